#include "fake/core/core.h"

#include <iostream>
#include <utility>

namespace customerfake::core {

Core::Core(std::shared_ptr<const state::Baseline> baseline, CoreOptions options)
    : clock_(options.clock != nullptr ? options.clock : &system_clock_),
      journal_enabled_(options.journal),
      access_tokens_(*clock_),
      log_(options.log_format, options.log_level,
           options.log_stream != nullptr ? options.log_stream : &std::cerr),
      namespaces_(std::move(baseline), options.max_namespaces, options.limits) {
}

}  // namespace customerfake::core
