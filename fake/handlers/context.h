#ifndef CUSTOMER_FAKE_HANDLERS_CONTEXT_H_
#define CUSTOMER_FAKE_HANDLERS_CONTEXT_H_

#include "fake/model/page_token.h"
#include "fake/model/settings.h"
#include "fake/state/namespace.h"

namespace customerfake::handlers {

// What a handler may touch: the caller's namespace, the settings in force
// and the page token codec.
struct RequestContext {
  state::Namespace& ns;
  const model::Settings& settings;
  const model::PageTokenCodec& tokens;
  // A list page stops early rather than grow past this (the message limit).
  size_t max_response_bytes = SIZE_MAX;
};

}  // namespace customerfake::handlers

#endif  // CUSTOMER_FAKE_HANDLERS_CONTEXT_H_
