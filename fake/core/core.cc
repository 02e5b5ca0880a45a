#include "fake/core/core.h"

#include <iostream>
#include <utility>

namespace customerfake::core {
namespace {

// Room left in a message for what is not the list itself.
constexpr size_t kResponseReserve = 4096;

}  // namespace

Core::Core(std::shared_ptr<const state::Baseline> baseline, CoreOptions options)
    : clock_(options.clock != nullptr ? options.clock : &system_clock_),
      journal_enabled_(options.journal),
      scenario_limits_(options.scenario_limits),
      max_response_bytes_(options.max_message_bytes > 2 * kResponseReserve
                              ? options.max_message_bytes - kResponseReserve
                              : options.max_message_bytes / 2),
      access_tokens_(*clock_),
      log_(options.log_format, options.log_level,
           options.log_stream != nullptr ? options.log_stream : &std::cerr,
           AccessLog::Mode::kBatched),
      namespaces_(std::move(baseline), options.max_namespaces, options.limits) {
}

}  // namespace customerfake::core
