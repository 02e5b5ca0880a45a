// guide/main.go: the Go flow of MOIA's "Managing Customers" guide, run against
// a CustomerService (the real Trip API or the customer fake).
//
// The calls and their log lines are the guide's. Only the connection set-up is
// this program's own, plus one check at the end (GetCustomer of the deleted id
// must fail with NOT_FOUND; the google.rpc.ErrorInfo reason is printed).
//
// Environment:
//   API_URL         HOST:PORT of the service (required)
//   ACCESS_TOKEN    sent as "authorization: Bearer <token>" (required)
//   FAKE_NAMESPACE  optional; sent as "x-fake-namespace" (customer fake only)
//   CUSTOMER_FLAG   flag to add and remove (default WHEELCHAIR_ACCESS_NEEDED)
//   TLS_CA          optional; PEM file of the CA that signed the server's
//                   certificate -> TLS instead of plaintext. "system" uses the
//                   system's roots (e.g. for MOIA's real endpoint).
//   TLS_SERVER_NAME optional; overrides the name checked in the certificate
//
// Any failed step ends the program with exit code 1 (log.Fatalf).
package main

import (
	"context"
	"crypto/tls"
	"log"
	"os"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	customerv1 "github.com/moia-oss/trip-api/gen/go/moia/trip/customer/v1"
)

var jsonMarshalOptions = protojson.MarshalOptions{Multiline: true}

func transportOption() grpc.DialOption {
	ca := os.Getenv("TLS_CA")
	serverName := os.Getenv("TLS_SERVER_NAME")
	switch ca {
	case "":
		// grpc-go 1.33 (Debian 12) has no credentials/insecure package.
		// grpc-go >= 1.34: grpc.WithTransportCredentials(insecure.NewCredentials())
		return grpc.WithInsecure()
	case "system":
		return grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{ServerName: serverName}))
	default:
		creds, err := credentials.NewClientTLSFromFile(ca, serverName)
		if err != nil {
			log.Fatalf("Could not load TLS_CA %s: %v", ca, err)
		}
		return grpc.WithTransportCredentials(creds)
	}
}

func main() {
	apiURL := os.Getenv("API_URL")
	accessToken := os.Getenv("ACCESS_TOKEN")
	if apiURL == "" || accessToken == "" {
		log.Fatalf("API_URL and ACCESS_TOKEN must be set")
	}
	customerFlag := os.Getenv("CUSTOMER_FLAG")
	if customerFlag == "" {
		customerFlag = "WHEELCHAIR_ACCESS_NEEDED"
	}

	// --- connection set-up (not part of the guide) ---
	conn, err := grpc.Dial(apiURL, transportOption())
	if err != nil {
		log.Fatalf("Could not connect to %s: %v", apiURL, err)
	}
	defer conn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+accessToken)
	if ns := os.Getenv("FAKE_NAMESPACE"); ns != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "x-fake-namespace", ns)
	}

	// --- the guide ---
	customerClient := customerv1.NewCustomerServiceClient(conn)

	customer, err := customerClient.CreateCustomer(ctx, &customerv1.CreateCustomerRequest{
		EmailAddress: "test-customer@moia.io",
		FamilyName:   "Customer",
		GivenName:    "Test",
		LanguageCode: "en",
		PhoneNumber:  "+4997259173740",
	})
	if err != nil {
		log.Fatalf("Could not create customer: %v", err)
	}
	log.Printf("Successfully created customer: %v", jsonMarshalOptions.Format(customer))

	pageSize := int32(5)
	listCustomersResponse, err := customerClient.ListCustomers(ctx, &customerv1.ListCustomersRequest{
		PageSize: &pageSize,
	})
	if err != nil {
		log.Fatalf("Could not list customers: %v", err)
	}
	log.Printf("Successfully listed %d customers", len(listCustomersResponse.Customers))
	log.Printf("ListCustomers response: %v", jsonMarshalOptions.Format(listCustomersResponse))

	addCustomerFlagResponse, err := customerClient.AddCustomerFlag(ctx, &customerv1.AddCustomerFlagRequest{
		CustomerId: customer.Customer.Id,
		// replace `customerFlag` with the customer flag to be added to the customer
		Flag: customerFlag,
	})
	if err != nil {
		log.Fatalf("Could not add customer flag: %v", err)
	}
	log.Printf("Successfully added customer flag: %v", jsonMarshalOptions.Format(addCustomerFlagResponse))

	listCustomerFlagsResponse, err := customerClient.ListCustomerFlags(ctx, &customerv1.ListCustomerFlagsRequest{
		CustomerId: customer.Customer.Id,
	})
	if err != nil {
		log.Fatalf("Could not list customer flags: %v", err)
	}
	log.Printf("Successfully listed %d customer flags", len(listCustomerFlagsResponse.Flags))
	log.Printf("ListCustomerFlags response: %v", jsonMarshalOptions.Format(listCustomerFlagsResponse))

	_, err = customerClient.RemoveCustomerFlag(ctx, &customerv1.RemoveCustomerFlagRequest{
		CustomerId: customer.Customer.Id,
		// replace `customerFlag` with the customer flag to be removed from the customer
		Flag: customerFlag,
	})
	if err != nil {
		log.Fatalf("Could not remove customer flag: %v", err)
	}
	log.Printf("Successfully removed customer flag: %s", customerFlag)

	_, err = customerClient.DeleteCustomer(ctx, &customerv1.DeleteCustomerRequest{
		Id: customer.Customer.Id,
	})
	if err != nil {
		log.Fatalf("Could not delete customer: %v", err)
	}
	log.Printf("Successfully removed customer with id %s", customer.Customer.Id)

	// --- check (not part of the guide): the deleted customer is gone ---
	getResponse, err := customerClient.GetCustomer(ctx, &customerv1.GetCustomerRequest{
		Id: customer.Customer.Id,
	})
	if err == nil {
		log.Fatalf("GetCustomer of deleted id %s succeeded: %v", customer.Customer.Id, jsonMarshalOptions.Format(getResponse))
	}
	st, ok := status.FromError(err)
	if !ok {
		log.Fatalf("GetCustomer of deleted id: not a gRPC status error: %v", err)
	}
	if st.Code() != codes.NotFound {
		log.Fatalf("GetCustomer of deleted id: want NOT_FOUND, got %v", err)
	}
	reason := ""
	for _, detail := range st.Details() {
		switch d := detail.(type) {
		case *errdetails.ErrorInfo:
			reason = d.Reason
			log.Printf("ErrorInfo: reason=%s domain=%s metadata=%v", d.Reason, d.Domain, d.Metadata)
		case error:
			log.Printf("undecodable status detail: %v", d)
		default:
			log.Printf("other status detail: %T %v", d, d)
		}
	}
	log.Printf("GetCustomer of deleted id failed as expected: code=%s message=%q reason=%s", st.Code(), st.Message(), reason)
}
