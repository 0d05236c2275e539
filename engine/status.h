// Status: the result of an engine operation. Errors are values, never exceptions.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace redrock {

class Status {
 public:
  enum class Code {
    kOk,
    kNotFound,         // the key (or member) does not exist
    kWrongType,        // the key holds another type
    kInvalidArgument,  // message() is the full Redis error text ("ERR ...")
    kCorruption,       // stored bytes could not be decoded
    kIOError,          // RocksDB or the file system failed
    kBusy,             // a conflicting operation is in progress
  };

  Status() = default;

  static Status OK() { return Status(); }
  static Status NotFound() { return Status(Code::kNotFound, ""); }
  static Status WrongType() { return Status(Code::kWrongType, kWrongTypeText); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Busy(std::string msg) { return Status(Code::kBusy, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsWrongType() const { return code_ == Code::kWrongType; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Text for a reply or a log line.
  std::string ToString() const;

  static constexpr std::string_view kWrongTypeText =
      "WRONGTYPE Operation against a key holding the wrong kind of value";

 private:
  Status(Code code, std::string_view msg) : code_(code), message_(msg) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Returns early from the calling function when `expr` yields a non-OK Status.
#define REDROCK_RETURN_IF_ERROR(expr) \
  do {                                \
    ::redrock::Status _st = (expr);   \
    if (!_st.ok()) return _st;        \
  } while (0)

}  // namespace redrock
