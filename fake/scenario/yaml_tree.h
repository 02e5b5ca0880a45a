#ifndef CUSTOMER_FAKE_SCENARIO_YAML_TREE_H_
#define CUSTOMER_FAKE_SCENARIO_YAML_TREE_H_

// YAML documents read and written with Debian's libyaml: a compact tree of
// one parsed document, and an emitter. libyaml rather than yaml-cpp because
// yaml-cpp's scanner alone reads about 2.7 MiB/s, too slow for a scenario of
// 100,000 customers in a second (bench/RESULTS.md, "Big scenarios"); libyaml
// reads the same file ten times faster. libyaml itself offers events, not a
// tree, so the tree is built here: nodes in one array, scalar text in one
// string, no allocation per node.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace customerfake::scenario::yaml {

enum class NodeType : uint8_t { kUndefined, kNull, kScalar, kSequence, kMap };

class Document;

// A node of a Document (which must outlive it), or an undefined node (a key
// that is not there). Cheap to copy.
class Node {
 public:
  // Undefined.
  Node() = default;

  NodeType Type() const;
  bool IsDefined() const { return Type() != NodeType::kUndefined; }
  // A plain empty, "~", "null", "Null" or "NULL" scalar, as in YAML's core
  // schema.
  bool IsNull() const { return Type() == NodeType::kNull; }
  bool IsScalar() const { return Type() == NodeType::kScalar; }
  bool IsSequence() const { return Type() == NodeType::kSequence; }
  bool IsMap() const { return Type() == NodeType::kMap; }

  // A scalar's text; empty for other nodes.
  absl::string_view Scalar() const;
  // A scalar written in quotes or as a block ("x", 'x', |), or tagged "!":
  // a string even when its text looks like a number.
  bool IsQuoted() const;
  // Where the node starts, 0-based; 0:0 for an undefined node.
  int line() const;
  int column() const;

  // Items of a sequence, entries of a mapping; 0 for other nodes.
  size_t size() const;
  // A sequence's item; undefined past the end or for other nodes.
  Node operator[](size_t index) const;
  // A mapping's value at the first key equal to `key`; undefined when there
  // is none or the node is no mapping.
  Node operator[](absl::string_view key) const;
  Node operator[](const char* key) const {
    return (*this)[absl::string_view(key)];
  }
  // A mapping's index-th key and value.
  Node Key(size_t index) const;
  Node Value(size_t index) const;

 private:
  friend class Document;
  struct Data;
  Node(const Document* document, uint32_t index)
      : document_(document), index_(index) {}
  // Only for a defined node.
  const Data& data() const;
  Node Child(size_t position) const;

  const Document* document_ = nullptr;
  uint32_t index_ = 0;
};

struct Node::Data {
  NodeType type = NodeType::kNull;
  bool quoted = false;
  // A scalar of its own buffer, the document's large_[begin], not of text_.
  bool large = false;
  uint32_t line = 0;
  uint32_t column = 0;
  // Scalars: the document's text_[begin, begin + size). Collections:
  // children_[begin, begin + size), keys and values alternating for a mapping.
  uint32_t begin = 0;
  uint32_t size = 0;
};

// A mapping's entries in document order: for (auto [key, value] : Entries(n)).
// Empty for other nodes.
class Entries {
 public:
  explicit Entries(const Node& map) : map_(map) {}
  struct Entry {
    Node first;
    Node second;
  };
  class Iterator {
   public:
    Iterator(const Node& map, size_t index) : map_(map), index_(index) {}
    Entry operator*() const { return {map_.Key(index_), map_.Value(index_)}; }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    bool operator!=(const Iterator& other) const {
      return index_ != other.index_;
    }

   private:
    Node map_;
    size_t index_;
  };
  Iterator begin() const { return {map_, 0}; }
  Iterator end() const { return {map_, map_.IsMap() ? map_.size() : 0}; }

 private:
  Node map_;
};

// A syntax error: where (1-based) and what.
struct SyntaxError {
  int line = 1;
  int column = 1;
  std::string message;
};

// Takes the items of one sequence of the root mapping while the document is
// parsed, so that a document of a million items never holds them all: the
// nodes of each item are dropped once Item returns (kept only when the item
// defines an anchor, which a later alias may use). In the finished tree
// that sequence is empty.
class ItemSink {
 public:
  virtual ~ItemSink() = default;
  // Once, when the sequence starts, with the root mapping's entries before
  // it (the rest of the document is not parsed yet).
  virtual void Start(const Node& sequence,
                     const std::vector<std::pair<Node, Node>>& before) = 0;
  // Each item, in order; `item` is valid only during the call.
  virtual void Item(const Node& item, size_t index) = 0;
};

// The first document of a YAML text. Aliases share their anchor's node, so
// the tree is never larger than the text; walking it expands them.
class Document {
 public:
  // Nesting past this many levels is refused rather than followed.
  static constexpr int kMaxDepth = 499;

  // Parses the first document of `text` (UTF-8). Empty text, or text with
  // no document, is a null root. With a `sink`, the sequence at the root
  // mapping's first `stream_key` goes to it item by item (see ItemSink); a
  // value there that is no sequence stays in the tree.
  static std::unique_ptr<Document> Parse(absl::string_view text,
                                         SyntaxError* error,
                                         absl::string_view stream_key = {},
                                         ItemSink* sink = nullptr);

  Node root() const { return Node(this, root_); }

 private:
  friend class Node;
  using NodeData = Node::Data;

  Document() = default;

  struct Free {
    void operator()(char* buffer) const;
  };

  std::vector<NodeData> nodes_;
  std::vector<uint32_t> children_;
  std::string text_;
  // Scalars of kLargeScalarBytes or more (a state file's scenario texts):
  // libyaml's own buffers, kept rather than copied into text_, which would
  // hold their bytes a second time while the file is parsed.
  std::vector<std::unique_ptr<char, Free>> large_;
  uint32_t root_ = 0;
};

inline const Node::Data& Node::data() const {
  return document_->nodes_[index_];
}

inline NodeType Node::Type() const {
  return document_ == nullptr ? NodeType::kUndefined : data().type;
}

inline bool Node::IsQuoted() const { return IsScalar() && data().quoted; }

inline int Node::line() const {
  return document_ == nullptr ? 0 : static_cast<int>(data().line);
}

inline int Node::column() const {
  return document_ == nullptr ? 0 : static_cast<int>(data().column);
}

inline Node Node::Child(size_t position) const {
  return Node(document_, document_->children_[data().begin + position]);
}

inline absl::string_view Node::Scalar() const {
  if (!IsScalar()) return {};
  const Data& scalar = data();
  if (scalar.large) {
    return absl::string_view(document_->large_[scalar.begin].get(),
                             scalar.size);
  }
  return absl::string_view(document_->text_).substr(scalar.begin, scalar.size);
}

inline size_t Node::size() const {
  switch (Type()) {
    case NodeType::kSequence:
      return data().size;
    case NodeType::kMap:
      return data().size / 2;
    default:
      return 0;
  }
}

inline Node Node::operator[](size_t index) const {
  return IsSequence() && index < data().size ? Child(index) : Node();
}

inline Node Node::Key(size_t index) const {
  return IsMap() && index < data().size / 2 ? Child(2 * index) : Node();
}

inline Node Node::Value(size_t index) const {
  return IsMap() && index < data().size / 2 ? Child(2 * index + 1) : Node();
}

// Writes one YAML document with libyaml, in the order of a stream:
//   out << BeginMap << Key << "id" << Value << DoubleQuoted << id << EndMap;
// (the Manipulators below).
// Key and Value only say what comes next to the reader of the code: libyaml
// tells keys from values by their order. Flow applies to the next
// BeginMap/BeginSeq; DoubleQuoted and Literal to the next scalar.
enum Manipulator {
  Key,
  Value,
  BeginMap,
  EndMap,
  BeginSeq,
  EndSeq,
  Flow,
  DoubleQuoted,
  Literal,
  Null,
};

class Emitter {
 public:
  Emitter();
  ~Emitter();
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  Emitter& operator<<(Manipulator manipulator);
  // A string: plain when it reads back as the same string, quoted when not
  // (empty, "null", "~", or characters that plain text cannot hold).
  Emitter& operator<<(absl::string_view text);
  Emitter& operator<<(const std::string& text) {
    return *this << absl::string_view(text);
  }
  Emitter& operator<<(const char* text) {
    return *this << absl::string_view(text);
  }
  Emitter& operator<<(bool value) { return Plain(value ? "true" : "false"); }
  template <typename Integer,
            std::enable_if_t<std::is_integral_v<Integer> &&
                                 !std::is_same_v<Integer, bool>,
                             int> = 0>
  Emitter& operator<<(Integer value) {
    return Plain(absl::StrCat(value));
  }

  // The document's text, ending in a newline. Ends the document: nothing
  // can be added after, and a second call returns nothing.
  std::string Finish();

 private:
  // A scalar written as it is: a number or a boolean.
  Emitter& Plain(absl::string_view text);

  struct State;
  std::unique_ptr<State> state_;
};

// Appends `text` as the value of a block mapping entry whose key (and any
// anchor) the caller has written, from the space after them to the closing
// line break, for values too large for the Emitter,
// which writes a block scalar one character at a time. `indent` is the
// content's indentation, more than the key's. A text a literal block holds
// as it is (from the Emitter: printable UTF-8 lines) is written as one, "|"
// and its lines; any other goes on one line as a double-quoted string with
// escapes. Either reads back as `text`.
void AppendBlockValue(absl::string_view text, int indent, std::string& out);

}  // namespace customerfake::scenario::yaml

#endif  // CUSTOMER_FAKE_SCENARIO_YAML_TREE_H_
