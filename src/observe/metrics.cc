#include "observe/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <variant>

namespace podbucket::observe {
namespace {

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*; label names: [a-zA-Z_][a-zA-Z0-9_]* and not starting with "__"
// (reserved by Prometheus). Both from the data model page of the Prometheus docs.
bool valid_name(std::string_view name, bool colon_allowed) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_allowed && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void check_labels(std::string_view family, const Labels& labels, bool histogram) {
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto& name = labels[i].first;
    if (!valid_name(name, false) || name.starts_with("__") || (histogram && name == "le")) {
      throw std::logic_error("metric " + std::string(family) + ": invalid label name '" + name + "'");
    }
    for (size_t j = 0; j < i; ++j) {
      if (labels[j].first == name) {
        throw std::logic_error("metric " + std::string(family) + ": duplicate label '" + name + "'");
      }
    }
  }
}

// Adds a double the way Go's strconv.ParseFloat (the Prometheus parser) reads it back exactly: the shortest
// round-trip decimal, "+Inf", "-Inf" or "NaN".
void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  }
}

// HELP text escapes backslash and newline; label values also escape the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="1",b="2"}` plus an optional extra label (le) last; nothing when there are no labels at all.
void append_labels(std::string& out, const Labels& labels, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  };
  for (const auto& [name, value] : labels) one(name, value);
  if (!extra_name.empty()) one(extra_name, extra_value);
  out += '}';
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix, const Labels& labels,
                   double value, std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += name;
  out += suffix;
  append_labels(out, labels, extra_name, extra_value);
  out += ' ';
  append_double(out, value);
  out += '\n';
}

void atomic_add(std::atomic<double>& target, double by) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
  }
}

enum class Type { kCounter, kGauge, kHistogram };

const char* type_name(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// One labelled series of a family: exactly one of the pointers / the callback (a gauge's or a counter's) is set.
struct Series {
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
  std::function<double()> read;
};

struct Family {
  Type type;
  std::string help;
  std::vector<double> bounds;          // histograms: the family's buckets (every series shares them)
  std::map<Labels, Series> series;     // sorted, so the output is stable
};

}  // namespace

// ---- instruments -------------------------------------------------------------------------------------------

void Counter::inc(double by) {
  if (by > 0) atomic_add(value_, by);  // counters only go up; a negative or NaN increment is dropped
}
double Counter::value() const { return value_.load(std::memory_order_relaxed); }

void Gauge::set(double value) { value_.store(value, std::memory_order_relaxed); }
void Gauge::add(double by) { atomic_add(value_, by); }
double Gauge::value() const { return value_.load(std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  // +Inf is implicit (the last bucket); NaN is no bound.
  std::erase_if(bounds_, [](double b) { return std::isnan(b) || std::isinf(b); });
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) {
  // Bucket i counts value <= bounds_[i] (the `le` label is inclusive); NaN lands in +Inf only.
  size_t index = std::isnan(value) ? bounds_.size()
                                   : size_t(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, value);
  count_.fetch_add(1, std::memory_order_relaxed);
}

uint64_t Histogram::count() const { return count_.load(std::memory_order_relaxed); }
double Histogram::sum() const { return sum_.load(std::memory_order_relaxed); }

std::vector<uint64_t> Histogram::cumulative_counts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,    0.25,  0.5,    1,     2.5,  5,     10,  30};
  return buckets;
}

// ---- registry ----------------------------------------------------------------------------------------------

struct Registry::State {
  mutable std::mutex mu;
  std::map<std::string, Family, std::less<>> families;  // GUARDED_BY(mu)

  /// The family `name`, created with `type` and `help` if new. Throws std::logic_error on a conflicting type or
  /// help text or an invalid name. Requires mu held.
  Family& family(std::string_view name, Type type, std::string_view help) {
    auto it = families.find(name);
    if (it == families.end()) {
      if (!valid_name(name, true)) throw std::logic_error("invalid metric name '" + std::string(name) + "'");
      it = families.emplace(std::string(name), Family{type, std::string(help), {}, {}}).first;
    } else if (it->second.type != type || it->second.help != help) {
      throw std::logic_error("metric " + std::string(name) + " registered twice with a different type or help");
    }
    return it->second;
  }
};

Registry::Registry() : state_(std::make_unique<State>()) {}
Registry::~Registry() = default;

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(state_->mu);
  check_labels(name, labels, false);
  Series& s = state_->family(name, Type::kCounter, help).series[labels];
  if (s.read) throw std::logic_error("metric " + std::string(name) + ": series is a callback counter");
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(state_->mu);
  check_labels(name, labels, false);
  Series& s = state_->family(name, Type::kGauge, help).series[labels];
  if (s.read) throw std::logic_error("metric " + std::string(name) + ": series is a callback gauge");
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, const Labels& labels,
                               const std::vector<double>& upper_bounds) {
  std::lock_guard lock(state_->mu);
  check_labels(name, labels, true);
  Family& f = state_->family(name, Type::kHistogram, help);
  Histogram probe(upper_bounds);  // normalised bounds (sorted, unique, finite)
  if (f.series.empty()) {
    f.bounds = probe.upper_bounds();
  } else if (f.bounds != probe.upper_bounds()) {
    throw std::logic_error("metric " + std::string(name) + ": every series of a histogram needs the same buckets");
  }
  Series& s = f.series[labels];
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(f.bounds);
  return *s.histogram;
}

void Registry::gauge_callback(std::string_view name, std::string_view help, const Labels& labels,
                              std::function<double()> read) {
  std::lock_guard lock(state_->mu);
  check_labels(name, labels, false);
  Series& s = state_->family(name, Type::kGauge, help).series[labels];
  if (s.gauge) throw std::logic_error("metric " + std::string(name) + ": series is a plain gauge");
  s.read = std::move(read);
}

void Registry::counter_callback(std::string_view name, std::string_view help, const Labels& labels,
                                std::function<double()> read) {
  std::lock_guard lock(state_->mu);
  check_labels(name, labels, false);
  Series& s = state_->family(name, Type::kCounter, help).series[labels];
  if (s.counter) throw std::logic_error("metric " + std::string(name) + ": series is a plain counter");
  s.read = std::move(read);
}

void Registry::remove_callback(std::string_view name, const Labels& labels) {
  std::lock_guard lock(state_->mu);
  auto it = state_->families.find(name);
  if (it == state_->families.end()) return;
  auto series = it->second.series.find(labels);
  if (series != it->second.series.end() && series->second.read) it->second.series.erase(series);
  // An emptied family stays registered (its type and help), but renders nothing.
}

std::string Registry::render() const {
  std::lock_guard lock(state_->mu);  // callbacks run under the lock, so remove_callback() waits for them
  std::string out;
  for (const auto& [name, family] : state_->families) {
    if (family.series.empty()) continue;
    out += "# HELP ";
    out += name;
    out += ' ';
    append_escaped(out, family.help, false);
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type_name(family.type);
    out += '\n';
    for (const auto& [labels, s] : family.series) {
      if (s.counter) {
        append_sample(out, name, "", labels, s.counter->value());
      } else if (s.gauge) {
        append_sample(out, name, "", labels, s.gauge->value());
      } else if (s.read) {
        append_sample(out, name, "", labels, s.read());
      } else if (s.histogram) {
        const auto& bounds = s.histogram->upper_bounds();
        auto counts = s.histogram->cumulative_counts();
        std::string le;
        for (size_t i = 0; i < bounds.size(); ++i) {
          le.clear();
          append_double(le, bounds[i]);
          append_sample(out, name, "_bucket", labels, double(counts[i]), "le", le);
        }
        append_sample(out, name, "_bucket", labels, double(counts.back()), "le", "+Inf");
        append_sample(out, name, "_sum", labels, s.histogram->sum());
        // _count equals the +Inf bucket of the same snapshot, as the format requires.
        append_sample(out, name, "_count", labels, double(counts.back()));
      }
    }
  }
  return out;
}

Registry& metrics() {
  // Never destroyed: instruments referenced from function-local statics elsewhere stay valid during exit.
  static Registry* registry = new Registry();
  return *registry;
}

}  // namespace podbucket::observe
