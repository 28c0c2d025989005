// The in-memory Documents backend: an ordered map per collection behind one mutex.
#include <map>
#include <mutex>

#include "store/documents.h"

namespace podbucket::store {
namespace {

class MemoryDocuments final : public Documents {
 public:
  std::optional<std::string> get(std::string_view collection, std::string_view id) override {
    std::lock_guard lock(mu_);
    auto c = data_.find(collection);
    if (c == data_.end()) return std::nullopt;
    auto d = c->second.find(id);
    if (d == c->second.end()) return std::nullopt;
    return d->second;
  }

  std::vector<std::pair<std::string, std::string>> list(std::string_view collection,
                                                        std::string_view prefix) override {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, std::string>> out;
    auto c = data_.find(collection);
    if (c == data_.end()) return out;
    for (auto it = c->second.lower_bound(prefix); it != c->second.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      out.emplace_back(it->first, it->second);
    }
    return out;
  }

  void commit(const std::vector<Write>& writes) override {
    std::lock_guard lock(mu_);
    for (const auto& w : writes) {
      if (w.body) {
        data_[w.collection][w.id] = *w.body;
      } else if (auto c = data_.find(w.collection); c != data_.end()) {
        c->second.erase(w.id);
      }
    }
  }

  bool insert(std::string_view collection, std::string_view id, std::string_view body) override {
    std::lock_guard lock(mu_);
    auto& c = data_[std::string(collection)];
    return c.emplace(std::string(id), std::string(body)).second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> data_;  // GUARDED_BY(mu_)
};

}  // namespace

std::unique_ptr<Documents> make_memory_documents() { return std::make_unique<MemoryDocuments>(); }

}  // namespace podbucket::store
