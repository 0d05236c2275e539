// Status text.
#include "engine/status.h"

namespace redrock {

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      return "NotFound";
    case Code::kWrongType:
    case Code::kInvalidArgument:
      return message_;
    case Code::kCorruption:
      return "Corruption: " + message_;
    case Code::kIOError:
      return "IO error: " + message_;
    case Code::kBusy:
      return "Busy: " + message_;
  }
  return message_;
}

}  // namespace redrock
