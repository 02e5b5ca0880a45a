#ifndef CUSTOMER_FAKE_CORE_CORE_H_
#define CUSTOMER_FAKE_CORE_CORE_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "fake/core/call_log.h"
#include "fake/core/clock.h"
#include "fake/core/token_issuer.h"
#include "fake/handlers/page_token.h"
#include "fake/scenario/scenario_parser.h"
#include "fake/state/baseline.h"
#include "fake/state/registry.h"

namespace customerfake::core {

struct CoreOptions {
  size_t max_namespaces = 1000;
  state::NamespaceLimits limits;
  // What LoadScenario accepts (the startup scenario is read before the core
  // exists).
  scenario::ScenarioLimits scenario_limits;
  // gRPC's message size limit: lists stop a page early and exports refuse
  // to build an answer that would not fit.
  size_t max_message_bytes = 4 << 20;
  bool journal = true;
  const Clock* clock = nullptr;  // the system clock when null
  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kOff;
  std::ostream* log_stream = nullptr;  // std::cerr when null
};

// The composition root: owns the namespaces, the clock, the page token codec
// and the count of calls in flight. Services and handlers reach state only
// through it.
class Core {
 public:
  Core(std::shared_ptr<const state::Baseline> baseline, CoreOptions options);

  state::NamespaceRegistry& namespaces() { return namespaces_; }
  const handlers::PageTokenCodec& tokens() const { return tokens_; }
  // The OAuth endpoint's access tokens, checked in auth mode oauth.
  TokenIssuer& access_tokens() { return access_tokens_; }
  const Clock& clock() const { return *clock_; }
  bool journal_enabled() const { return journal_enabled_; }
  CallLog& log() { return log_; }
  const scenario::ScenarioLimits& scenario_limits() const {
    return scenario_limits_;
  }
  // The most bytes an answer's payload may have: the message limit less
  // room for the rest of the response (page token, framing).
  size_t max_response_bytes() const { return max_response_bytes_; }

  // Calls accepted and not yet done (including delayed and hanging ones).
  int64_t in_flight() const { return in_flight_.load(); }
  void CallStarted() { in_flight_.fetch_add(1); }
  void CallDone() { in_flight_.fetch_sub(1); }

 private:
  SystemClock system_clock_;
  const Clock* clock_;
  bool journal_enabled_;
  scenario::ScenarioLimits scenario_limits_;
  size_t max_response_bytes_;
  handlers::PageTokenCodec tokens_;
  TokenIssuer access_tokens_;
  CallLog log_;
  state::NamespaceRegistry namespaces_;
  std::atomic<int64_t> in_flight_{0};
};

}  // namespace customerfake::core

#endif  // CUSTOMER_FAKE_CORE_CORE_H_
