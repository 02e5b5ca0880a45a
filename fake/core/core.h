#ifndef CUSTOMER_FAKE_CORE_CORE_H_
#define CUSTOMER_FAKE_CORE_CORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "fake/core/access_log.h"
#include "fake/core/server_status.h"
#include "fake/model/clock.h"
#include "fake/model/limits.h"
#include "fake/model/page_token.h"
#include "fake/state/baseline.h"
#include "fake/state/registry.h"
#include "fake/state/token_issuer.h"

namespace customerfake::core {

struct CoreOptions {
  size_t max_namespaces = 1000;
  model::NamespaceLimits limits;
  // What LoadScenario accepts (the startup scenario is read before the core
  // exists).
  model::ScenarioLimits scenario_limits;
  // gRPC's message size limit: lists stop a page early and exports refuse
  // to build an answer that would not fit.
  size_t max_message_bytes = 4 << 20;
  bool journal = true;
  const model::Clock* clock = nullptr;  // the system clock when null
  model::LogFormat log_format = model::LogFormat::kText;
  model::LogLevel log_level = model::LogLevel::kOff;
  std::ostream* log_stream = nullptr;  // std::cerr when null
};

// The composition root: owns the namespaces, the clock, the page token codec
// and the count of calls in flight. Services and handlers reach state only
// through it.
class Core {
 public:
  Core(std::shared_ptr<const state::Baseline> baseline, CoreOptions options);

  state::NamespaceRegistry& namespaces() { return namespaces_; }
  const model::PageTokenCodec& tokens() const { return tokens_; }
  // The OAuth endpoint's access tokens, checked in auth mode oauth.
  state::TokenIssuer& access_tokens() { return access_tokens_; }
  const model::Clock& clock() const { return *clock_; }
  bool journal_enabled() const { return journal_enabled_; }
  AccessLog& log() { return log_; }
  // The server's own condition beside serving (the state file's writes).
  ServerStatus& status() { return status_; }
  const model::ScenarioLimits& scenario_limits() const {
    return scenario_limits_;
  }
  // The most bytes an answer's payload may have: the message limit less
  // room for the rest of the response (page token, framing).
  size_t max_response_bytes() const { return max_response_bytes_; }

  // Called after a call changed state, before it is answered: with
  // `serve --state-sync always` it writes the state file. Set once, before
  // serving.
  void set_after_change(std::function<void()> hook) {
    after_change_ = std::move(hook);
  }
  void Changed() {
    if (after_change_) after_change_();
  }

  // Calls accepted and not yet done (including delayed and hanging ones).
  int64_t in_flight() const { return in_flight_.load(); }
  void CallStarted() { in_flight_.fetch_add(1); }
  void CallDone() { in_flight_.fetch_sub(1); }

 private:
  model::SystemClock system_clock_;
  const model::Clock* clock_;
  bool journal_enabled_;
  model::ScenarioLimits scenario_limits_;
  size_t max_response_bytes_;
  model::PageTokenCodec tokens_;
  state::TokenIssuer access_tokens_;
  AccessLog log_;
  ServerStatus status_;
  state::NamespaceRegistry namespaces_;
  std::atomic<int64_t> in_flight_{0};
  std::function<void()> after_change_;
};

}  // namespace customerfake::core

#endif  // CUSTOMER_FAKE_CORE_CORE_H_
