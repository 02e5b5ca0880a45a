#include "fake/scenario/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "fake/model/json_string.h"

namespace customerfake::scenario::yaml {
namespace {

bool IsNullText(absl::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" ||
         text == "NULL";
}

absl::string_view Chars(const yaml_char_t* text) {
  return text == nullptr
             ? absl::string_view()
             : absl::string_view(reinterpret_cast<const char*>(text));
}

// Whether `text` can be a literal block's content as it is: lines of UTF-8
// that YAML holds raw (tabs, but no other control character, no DEL, C1
// control, byte-order mark, U+FFFE or U+FFFF, and no line break but \n, as
// NEL, U+2028 and U+2029 are in YAML 1.1), the first of them starting with
// neither a space nor a line break (which would need an indentation
// indicator). Checked here rather than by libyaml, whose emitter is what is
// being avoided; neither libyaml nor abseil offers the check alone.
bool FitsLiteralBlock(absl::string_view text) {
  if (text.empty() || text[0] == ' ' || text[0] == '\n') return false;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return false;
      ++i;
      continue;
    }
    const size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (length == 0 || c > 0xF4 || i + length > text.size()) return false;
    uint32_t code = c & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    constexpr uint32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kLeast[length] || code > 0x10FFFF ||
        (code >= 0xD800 && code <= 0xDFFF) || code <= 0x9F || code == 0x2028 ||
        code == 0x2029 || code == 0xFEFF || code == 0xFFFE || code == 0xFFFF) {
      return false;
    }
    i += length;
  }
  return true;
}

// Frees a libyaml event however its scope ends.
struct Event {
  yaml_event_t event;
  ~Event() { yaml_event_delete(&event); }
};

// From this size on, a scalar keeps libyaml's buffer (Document::large_).
constexpr size_t kLargeScalarBytes = 1 << 20;

}  // namespace

void Document::Free::operator()(char* buffer) const { std::free(buffer); }

Node Node::operator[](absl::string_view key) const {
  if (!IsMap()) return Node();
  for (size_t i = 0; i < size(); ++i) {
    const Node name = Key(i);
    if (name.IsScalar() && name.Scalar() == key) return Value(i);
  }
  return Node();
}

std::unique_ptr<Document> Document::Parse(absl::string_view text,
                                          SyntaxError* error,
                                          absl::string_view stream_key,
                                          ItemSink* sink) {
  std::unique_ptr<Document> document(new Document());
  // Offsets are 32 bits: a larger text is refused before it is read.
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    *error = {1, 1, "the document is 4 GiB or larger"};
    return nullptr;
  }
  // Room for a node per 8 bytes and all the text: reserved address space
  // costs nothing until it is used, and growing would copy it.
  document->nodes_.reserve(text.size() / 8 + 1);
  document->children_.reserve(text.size() / 8);
  document->text_.reserve(text.size());
  document->nodes_.push_back({});  // 0: the null root of an empty text
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(
      &parser, reinterpret_cast<const unsigned char*>(text.data()),
      text.size());
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

  absl::flat_hash_map<std::string, uint32_t> anchors;
  // The children of every open collection, one after the other; `open`
  // holds each open collection's node and where its children start.
  std::vector<uint32_t> pending;
  std::vector<std::pair<uint32_t, size_t>> open;
  bool have_root = false;
  bool failed = false;

  // The streamed sequence (see ItemSink): its node once it has started, how
  // many items went to the sink, and the sizes to cut the tree back to
  // after each item, unless an anchor was defined since.
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  uint32_t streamed = kNone;
  bool stream_done = sink == nullptr;
  size_t items = 0;
  struct Cut {
    size_t nodes, children, text, large, anchors;
  } cut{};
  size_t anchors_defined = 0;
  auto in_stream = [&] {
    return streamed != kNone && open.size() == 2 &&
           open.back().first == streamed;
  };
  auto take_cut = [&] {
    cut = {document->nodes_.size(), document->children_.size(),
           document->text_.size(), document->large_.size(), anchors_defined};
  };
  auto deliver = [&](uint32_t item) {
    sink->Item(Node(document.get(), item), items++);
    if (anchors_defined == cut.anchors) {
      document->nodes_.resize(cut.nodes);
      document->children_.resize(cut.children);
      document->text_.resize(cut.text);
      document->large_.resize(cut.large);
    }
    take_cut();
  };

  // `whole`: a scalar or alias, not a collection that has only started.
  auto add = [&](uint32_t node, bool whole) {
    if (open.empty()) {
      document->root_ = node;
      have_root = true;
    } else if (in_stream()) {
      if (whole) deliver(node);  // a collection when it ends
    } else {
      pending.push_back(node);
    }
  };
  // Whether a sequence starting now is the one to stream: the value of the
  // root mapping's first `stream_key`.
  auto starts_stream = [&] {
    if (stream_done || open.size() != 1) return false;
    const auto [root, first] = open.back();
    if (document->nodes_[root].type != NodeType::kMap) return false;
    const size_t count = pending.size() - first;
    if (count % 2 == 0) return false;  // a key, not a value
    const NodeData& key = document->nodes_[pending.back()];
    return key.type == NodeType::kScalar && !key.large &&
           absl::string_view(document->text_).substr(key.begin, key.size) ==
               stream_key;
  };
  auto new_node = [&](NodeType type, const yaml_mark_t& mark,
                      const yaml_char_t* anchor) {
    const auto index = static_cast<uint32_t>(document->nodes_.size());
    NodeData data;
    data.type = type;
    data.line = static_cast<uint32_t>(mark.line);
    data.column = static_cast<uint32_t>(mark.column);
    document->nodes_.push_back(data);
    if (anchor != nullptr) {
      anchors[Chars(anchor)] = index;
      ++anchors_defined;
    }
    return index;
  };
  auto fail = [&](const yaml_mark_t& mark, std::string message) {
    *error = {static_cast<int>(mark.line) + 1,
              static_cast<int>(mark.column) + 1, std::move(message)};
    failed = true;
  };

  bool done = false;
  while (!done && !failed) {
    Event event;
    if (!yaml_parser_parse(&parser, &event.event)) {
      std::string message =
          parser.problem == nullptr ? "bad YAML" : parser.problem;
      if (parser.context != nullptr) {
        absl::StrAppend(&message, " (", parser.context, " at line ",
                        parser.context_mark.line + 1, ", column ",
                        parser.context_mark.column + 1, ")");
      }
      fail(parser.problem_mark, std::move(message));
      break;
    }
    yaml_event_t& e = event.event;
    switch (e.type) {
      case YAML_STREAM_END_EVENT:
      case YAML_DOCUMENT_END_EVENT:
        done = true;  // the first document only
        break;
      case YAML_SCALAR_EVENT: {
        const absl::string_view value(
            reinterpret_cast<const char*>(e.data.scalar.value),
            e.data.scalar.length);
        const absl::string_view tag = Chars(e.data.scalar.tag);
        const bool plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        const bool null = plain && tag.empty() && IsNullText(value);
        const uint32_t index =
            new_node(null ? NodeType::kNull : NodeType::kScalar, e.start_mark,
                     e.data.scalar.anchor);
        NodeData& data = document->nodes_[index];
        data.quoted = !plain || tag == "!";
        data.size = static_cast<uint32_t>(value.size());
        if (value.size() >= kLargeScalarBytes) {
          data.large = true;
          data.begin = static_cast<uint32_t>(document->large_.size());
          // libyaml allocates with malloc; the event no longer frees it.
          document->large_.emplace_back(
              reinterpret_cast<char*>(e.data.scalar.value));
          e.data.scalar.value = nullptr;
        } else {
          data.begin = static_cast<uint32_t>(document->text_.size());
          document->text_.append(value.data(), value.size());
        }
        add(index, true);
        break;
      }
      case YAML_ALIAS_EVENT: {
        const auto anchor = anchors.find(Chars(e.data.alias.anchor));
        if (anchor == anchors.end()) {
          fail(e.start_mark,
               absl::StrCat("the alias *", Chars(e.data.alias.anchor),
                            " has no anchor &", Chars(e.data.alias.anchor),
                            " before it"));
          break;
        }
        add(anchor->second, true);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (open.size() >= static_cast<size_t>(kMaxDepth)) {
          fail(e.start_mark,
               absl::StrCat("nested more than ", kMaxDepth, " levels deep"));
          break;
        }
        const bool map = e.type == YAML_MAPPING_START_EVENT;
        const bool stream = !map && starts_stream();
        const uint32_t index = new_node(
            map ? NodeType::kMap : NodeType::kSequence, e.start_mark,
            map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor);
        // The root mapping's entries before the streamed sequence, all whole.
        std::vector<std::pair<Node, Node>> before;
        for (size_t i = open.empty() ? 0 : open.back().second;
             stream && i + 1 < pending.size(); i += 2) {
          before.emplace_back(Node(document.get(), pending[i]),
                              Node(document.get(), pending[i + 1]));
        }
        add(index, false);
        open.emplace_back(index, pending.size());
        if (stream) {
          streamed = index;
          stream_done = true;
          sink->Start(Node(document.get(), index), before);
          take_cut();
        }
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        const auto [index, first] = open.back();
        open.pop_back();
        NodeData& data = document->nodes_[index];
        data.begin = static_cast<uint32_t>(document->children_.size());
        data.size = static_cast<uint32_t>(pending.size() - first);
        document->children_.insert(document->children_.end(),
                                   pending.begin() + first, pending.end());
        pending.resize(first);
        if (in_stream()) deliver(index);
        break;
      }
      default:  // stream and document starts
        break;
    }
  }
  yaml_parser_delete(&parser);
  if (failed) return nullptr;
  if (!have_root) document->root_ = 0;
  return document;
}

// Emitter

struct Emitter::State {
  yaml_emitter_t emitter;
  std::string out;
  bool flow = false;
  yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
  bool finished = false;

  static int Write(void* data, unsigned char* buffer, size_t size) {
    static_cast<State*>(data)->out.append(reinterpret_cast<char*>(buffer),
                                          size);
    return 1;
  }

  // The text is the fake's own (UTF-8, built in order): an error here is a
  // bug in the fake, not in what a user sent.
  void Emit(yaml_event_t* event, int initialized) {
    if (initialized && yaml_emitter_emit(&emitter, event)) return;
    std::fprintf(stderr, "customer-fake: cannot write YAML: %s\n",
                 emitter.problem == nullptr ? "bad event" : emitter.problem);
    std::abort();
  }

  void Scalar(absl::string_view text, yaml_scalar_style_t scalar_style) {
    yaml_event_t event;
    Emit(&event,
         yaml_scalar_event_initialize(
             &event, nullptr, nullptr,
             reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data())),
             static_cast<int>(text.size()), 1, 1, scalar_style));
  }
};

Emitter::Emitter() : state_(std::make_unique<State>()) {
  yaml_emitter_initialize(&state_->emitter);
  yaml_emitter_set_output(&state_->emitter, &State::Write, state_.get());
  yaml_emitter_set_unicode(&state_->emitter, 1);
  yaml_emitter_set_width(&state_->emitter, -1);  // no folding of long lines
  yaml_emitter_set_indent(&state_->emitter, 2);
  yaml_event_t event;
  state_->Emit(&event,
               yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING));
  state_->Emit(&event, yaml_document_start_event_initialize(
                           &event, nullptr, nullptr, nullptr, 1));
}

Emitter::~Emitter() { yaml_emitter_delete(&state_->emitter); }

Emitter& Emitter::operator<<(Manipulator manipulator) {
  State& s = *state_;
  yaml_event_t event;
  switch (manipulator) {
    case Key:
    case Value:
      break;
    case Flow:
      s.flow = true;
      break;
    case DoubleQuoted:
      s.style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
      break;
    case Literal:
      s.style = YAML_LITERAL_SCALAR_STYLE;
      break;
    case BeginMap:
      s.Emit(&event,
             yaml_mapping_start_event_initialize(
                 &event, nullptr, nullptr, 1,
                 s.flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
      s.flow = false;
      break;
    case BeginSeq:
      s.Emit(&event, yaml_sequence_start_event_initialize(
                         &event, nullptr, nullptr, 1,
                         s.flow ? YAML_FLOW_SEQUENCE_STYLE
                                : YAML_BLOCK_SEQUENCE_STYLE));
      s.flow = false;
      break;
    case EndMap:
      s.Emit(&event, yaml_mapping_end_event_initialize(&event));
      break;
    case EndSeq:
      s.Emit(&event, yaml_sequence_end_event_initialize(&event));
      break;
    case Null:
      s.Scalar("~", YAML_PLAIN_SCALAR_STYLE);
      break;
  }
  return *this;
}

Emitter& Emitter::operator<<(absl::string_view text) {
  State& s = *state_;
  yaml_scalar_style_t style = s.style;
  s.style = YAML_ANY_SCALAR_STYLE;
  // libyaml would write these plain, and they would read back as null.
  if (style == YAML_ANY_SCALAR_STYLE && IsNullText(text)) {
    style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
  }
  s.Scalar(text, style);
  return *this;
}

Emitter& Emitter::Plain(absl::string_view text) {
  state_->Scalar(text, YAML_PLAIN_SCALAR_STYLE);
  return *this;
}

std::string Emitter::Finish() {
  State& s = *state_;
  if (s.finished) return {};
  yaml_event_t event;
  s.Emit(&event, yaml_document_end_event_initialize(&event, 1));
  s.Emit(&event, yaml_stream_end_event_initialize(&event));
  s.finished = true;
  return std::move(s.out);  // a scenario's text may be hundreds of MB
}

void AppendBlockValue(absl::string_view text, int indent, std::string& out) {
  if (!FitsLiteralBlock(text)) {
    out += ' ';
    model::AppendJsonString(text, out);  // JSON strings are YAML's too
    out += '\n';
    return;
  }
  // Clip keeps one final line break, strip none, keep all.
  size_t breaks = 0;
  while (breaks < text.size() && text[text.size() - 1 - breaks] == '\n') {
    ++breaks;
  }
  out += breaks == 0 ? " |-\n" : breaks == 1 ? " |\n" : " |+\n";
  const size_t lines = std::count(text.begin(), text.end(), '\n') + 1;
  out.reserve(out.size() + text.size() + lines * (indent + 1));
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == absl::string_view::npos) end = text.size();
    if (end > start) {  // an empty line needs no indentation
      out.append(static_cast<size_t>(indent), ' ');
      out.append(text.data() + start, end - start);
    }
    out += '\n';
    start = end + 1;
  }
}

}  // namespace customerfake::scenario::yaml
