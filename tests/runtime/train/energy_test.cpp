// Energy and carbon accounting: RAPL readers on a fake powercap tree (package domains only,
// wrap-around, unreadable and malformed counters -> estimate with the reason), the estimate's
// arithmetic, CarbonTracker-style prediction, the labelled reports, and NVML absent.
#include <catch2/catch.hpp>
#include <lamina/train/energy.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace lmt = lamina::train;
namespace fs = std::filesystem;

namespace {
// A powercap tree in a temp dir, laid out like /sys/class/powercap.
struct fake_powercap {
  fs::path root;
  explicit fake_powercap(const std::string& tag)
      : root(fs::temp_directory_path() / ("lamina_energy_" + std::to_string(::getpid()) + "_" + tag)) {
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~fake_powercap() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void write(const fs::path& file, const std::string& text) const { std::ofstream(file) << text; }
  void zone(const std::string& id, const std::string& name, std::uint64_t energy_uj, std::uint64_t max_range_uj) const {
    fs::create_directories(root / id);
    write(root / id / "name", name + "\n");
    write(root / id / "energy_uj", std::to_string(energy_uj) + "\n");
    if (max_range_uj) write(root / id / "max_energy_range_uj", std::to_string(max_range_uj) + "\n");
  }
  void set(const std::string& id, std::uint64_t energy_uj) const {
    write(root / id / "energy_uj", std::to_string(energy_uj) + "\n");
  }
  // Two packages with sub-domains, plus the zones a reader must not add.
  void two_packages() const {
    constexpr std::uint64_t range = 262'143'328'850;  // a real package's max_energy_range_uj
    zone("intel-rapl:0", "package-0", 1'000'000, range);
    zone("intel-rapl:0:0", "core", 500'000, range);
    zone("intel-rapl:0:1", "uncore", 100'000, range);
    zone("intel-rapl:0:2", "dram", 200'000, range);
    zone("intel-rapl:1", "package-1", 2'000'000, range);
    zone("intel-rapl:1:0", "core", 700'000, range);
    zone("intel-rapl:2", "psys", 9'000'000, range);              // the whole platform
    zone("intel-rapl-mmio:0", "package-0", 1'000'000, range);    // the same package over MMIO
    fs::create_directories(root / "intel-rapl");                 // the control type itself
  }
};

// Clocks the test moves by hand.
struct fake_clocks {
  double wall = 0, cpu = 0;
  lmt::energy_clocks clocks() {
    return {[this] { return wall; }, [this] { return cpu; }};
  }
};

lmt::energy_config no_devices() {
  lmt::energy_config c;
  c.use_rapl = false;
  c.use_nvml = false;
  return c;
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("energy: RAPL reader sums package domains only", "[energy]") {
  fake_powercap tree("packages");
  tree.two_packages();
  lmt::rapl_reader reader(tree.root);
  REQUIRE(reader.ok());
  REQUIRE(reader.domains().size() == 2);
  CHECK(reader.domains()[0].name == "package-0");
  CHECK(reader.domains()[1].name == "package-1");

  tree.set("intel-rapl:0", 1'000'000 + 2'000'000);      // +2 J
  tree.set("intel-rapl:1", 2'000'000 + 3'000'000);      // +3 J
  tree.set("intel-rapl:0:0", 500'000 + 100'000'000);    // core: part of package-0, not added again
  tree.set("intel-rapl:2", 9'000'000 + 50'000'000);     // psys: not added
  tree.set("intel-rapl-mmio:0", 1'000'000 + 2'000'000); // duplicate: not added
  const auto j = reader.read_joules();
  REQUIRE(j);
  CHECK(*j == Approx(5.0));
  CHECK(reader.read_joules() == Approx(0.0));  // deltas, not totals

  SECTION("DRAM, which packages do not include, only on request") {
    lmt::rapl_reader with_dram(tree.root, true);
    REQUIRE(with_dram.domains().size() == 3);
    CHECK(with_dram.domains()[1].name == "dram");
    tree.set("intel-rapl:0:2", 200'000 + 1'000'000);
    CHECK(with_dram.read_joules() == Approx(1.0));
  }
}

TEST_CASE("energy: RAPL counter wrap-around", "[energy]") {
  fake_powercap tree("wrap");
  tree.zone("intel-rapl:0", "package-0", 9'000'000, 10'000'000);
  lmt::rapl_reader reader(tree.root);
  REQUIRE(reader.ok());
  tree.set("intel-rapl:0", 500'000);  // wrapped: 1 J to the top, then 0.5 J
  const auto j = reader.read_joules();
  REQUIRE(j);
  CHECK(*j == Approx(1.5));
  CHECK(reader.wraps() == 1);

  SECTION("without max_energy_range_uj a counter going backwards is an error, not a huge number") {
    fs::remove(tree.root / "intel-rapl:0" / "max_energy_range_uj");
    lmt::rapl_reader no_range(tree.root);
    REQUIRE(no_range.ok());
    tree.set("intel-rapl:0", 100);
    CHECK_FALSE(no_range.read_joules());
    CHECK_FALSE(no_range.ok());
    CHECK(contains(no_range.reason(), "went backwards"));
  }
}

TEST_CASE("energy: unreadable or missing RAPL counters give a reason, never a throw", "[energy]") {
  SECTION("no powercap tree (this machine: a VM)") {
    lmt::rapl_reader reader("/nonexistent/lamina/powercap");
    CHECK_FALSE(reader.ok());
    CHECK(contains(reader.reason(), "does not exist"));
  }
  SECTION("an energy_uj that cannot be read (a directory in its place; tests may run as root)") {
    fake_powercap tree("unreadable");
    tree.zone("intel-rapl:0", "package-0", 1000, 10'000'000);
    fs::remove(tree.root / "intel-rapl:0" / "energy_uj");
    fs::create_directories(tree.root / "intel-rapl:0" / "energy_uj");
    lmt::rapl_reader reader(tree.root);
    CHECK_FALSE(reader.ok());
    CHECK(contains(reader.reason(), "unreadable"));
    CHECK(contains(reader.reason(), "energy_uj"));
  }
  SECTION("only sub-domains and psys: nothing to add") {
    fake_powercap tree("nopackage");
    tree.zone("intel-rapl:0", "psys", 1000, 10'000'000);
    tree.zone("intel-rapl:0:0", "core", 1000, 10'000'000);
    lmt::rapl_reader reader(tree.root);
    CHECK_FALSE(reader.ok());
    CHECK(contains(reader.reason(), "no readable package domain"));
  }
  SECTION("a tracker on an unreadable tree falls back to the estimate and records why") {
    fake_powercap tree("fallback");
    tree.zone("intel-rapl:0", "package-0", 1000, 10'000'000);
    tree.write(tree.root / "intel-rapl:0" / "energy_uj", "garbage\n");
    fake_clocks t;
    auto c = no_devices();
    c.use_rapl = true;
    c.powercap_root = tree.root.string();
    lmt::energy_tracker tracker(c, t.clocks());
    CHECK_FALSE(tracker.measuring_rapl());
    tracker.start_epoch();
    t.wall = 10, t.cpu = 10;
    const auto& e = tracker.end_epoch();
    CHECK(e.source == lmt::energy_source::estimated_cpu_time);
    CHECK(e.cpu_joules == Approx(10 * 12.0));
    REQUIRE(tracker.notes().size() == 1);
    CHECK(contains(tracker.notes()[0], "malformed counter \"garbage\""));
    CHECK(contains(tracker.str(), "malformed counter"));
  }
}

TEST_CASE("energy: a counter that breaks mid-run turns later epochs into estimates", "[energy]") {
  fake_powercap tree("midrun");
  tree.zone("intel-rapl:0", "package-0", 0, 1'000'000'000);
  fake_clocks t;
  auto c = no_devices();
  c.use_rapl = true;
  c.powercap_root = tree.root.string();
  lmt::energy_tracker tracker(c, t.clocks());
  REQUIRE(tracker.measuring_rapl());

  tracker.start_epoch();
  tree.set("intel-rapl:0", 36'000'000);  // 36 J
  t.wall = 2, t.cpu = 4;
  const auto first = tracker.end_epoch();
  CHECK(first.source == lmt::energy_source::measured_rapl);
  CHECK(first.cpu_joules == Approx(36.0));
  CHECK(first.cpu_joules_estimate == Approx(4 * 12.0));  // kept for comparison

  tracker.start_epoch();
  tree.write(tree.root / "intel-rapl:0" / "energy_uj", "12x\n");
  t.wall = 4, t.cpu = 8;
  const auto second = tracker.end_epoch();
  CHECK(second.source == lmt::energy_source::estimated_cpu_time);
  CHECK(second.cpu_joules == Approx(4 * 12.0));
  CHECK_FALSE(tracker.measuring_rapl());

  const auto r = tracker.report();
  CHECK(r.total.source == lmt::energy_source::mixed);
  CHECK(r.total.cpu_joules == Approx(36.0 + 48.0));
  REQUIRE(r.notes.size() == 1);
  CHECK(contains(r.notes[0], "from epoch 2 on"));
  CHECK(contains(r.str(), "mixed: some epochs measured by RAPL"));
}

TEST_CASE("energy: the estimate's arithmetic (CPU s x W -> kWh x PUE x intensity)", "[energy]") {
  fake_clocks t;
  auto c = no_devices();
  c.watts_per_core = 10.0;
  c.pue = 1.5;
  c.carbon_intensity_g_per_kwh = 400.0;
  c.car_g_co2eq_per_km = 100.0;
  lmt::energy_tracker tracker(c, t.clocks());
  t.wall = 5, t.cpu = 3;  // before the epoch: not counted
  tracker.start_epoch();
  t.wall = 105, t.cpu = 153;  // 100 s, 150 CPU s (1.5 cores busy)
  const auto& e = tracker.end_epoch();
  CHECK(e.seconds == Approx(100));
  CHECK(e.cpu_seconds == Approx(150));
  CHECK(e.cpu_joules == Approx(1500));                 // 150 s x 10 W
  CHECK(e.cpu_kwh == Approx(1500 / 3.6e6 * 1.5));      // 6.25e-4 kWh
  CHECK(e.kwh == Approx(6.25e-4));
  CHECK(e.gpu_kwh == 0);
  CHECK(e.g_co2eq == Approx(0.25));                    // x 400 g/kWh
  CHECK(e.car_km == Approx(0.0025));                   // / 100 g/km
  CHECK(e.source == lmt::energy_source::estimated_cpu_time);
  CHECK(e.gpu_source == lmt::gpu_energy_source::none);

  // The same arithmetic from measured joules.
  const auto m = lmt::make_energy_usage(100, 150, 7200.0, 3600.0, c);
  CHECK(m.source == lmt::energy_source::measured_rapl);
  CHECK(m.gpu_source == lmt::gpu_energy_source::measured_nvml);
  CHECK(m.cpu_kwh == Approx(0.002 * 1.5));
  CHECK(m.gpu_kwh == Approx(0.001 * 1.5));
  CHECK(m.g_co2eq == Approx(0.0045 * 400));
}

TEST_CASE("energy: prediction for the whole run after 1 of N epochs", "[energy]") {
  fake_clocks t;
  lmt::energy_tracker tracker(no_devices(), t.clocks());
  tracker.start_epoch();
  t.wall = 10, t.cpu = 20;
  tracker.end_epoch();
  const auto p = tracker.predicted_total(50);
  CHECK(p.epochs == 50);
  CHECK(p.seconds == Approx(500));
  CHECK(p.cpu_seconds == Approx(1000));
  CHECK(p.kwh == Approx(50 * 20 * 12.0 / 3.6e6 * 1.58));
  CHECK(p.g_co2eq == Approx(p.kwh * 475));
  const auto text = tracker.report().predicted_str(50);
  CHECK(contains(text, "Predicted consumption for 50 epoch(s) (extrapolated from 1 epoch(s)):"));
  CHECK(contains(text, "Time:\t0:08:20"));

  // Later epochs: the mean of the first n, or of all.
  tracker.start_epoch();
  t.wall = 40, t.cpu = 60;  // 30 s, 40 CPU s
  tracker.end_epoch();
  const auto r = tracker.report();
  CHECK(r.predicted_total(10, 1).seconds == Approx(100));
  CHECK(r.predicted_total(10).seconds == Approx(200));
  CHECK(r.total.seconds == Approx(40));
  CHECK(r.total.epochs == 2);
  CHECK(lmt::energy_report{}.predicted_total(10).kwh == 0);  // nothing measured yet
}

TEST_CASE("energy: the text and markdown reports label the source", "[energy]") {
  fake_clocks t;
  lmt::energy_tracker tracker(no_devices(), t.clocks());
  tracker.start_epoch();
  t.wall = 83, t.cpu = 160;
  tracker.end_epoch();
  const auto text = tracker.str();
  CHECK(contains(text, "Actual consumption for 1 epoch(s):"));
  CHECK(contains(text, "Time:\t0:01:23"));
  CHECK(contains(text, "estimated from CPU time at 12 W/core (an assumption)"));
  CHECK(contains(text, "PUE 1.58 included"));
  CHECK(contains(text, "g (at 475 g CO2eq/kWh)"));
  CHECK(contains(text, "km travelled by car"));
  CHECK(contains(text, "no GPU energy"));
  const auto md = tracker.markdown(20);
  CHECK(contains(md, "| epoch | time | CPU time (s) |"));
  CHECK(contains(md, "| 1 | 0:01:23 | 160 |"));
  CHECK(contains(md, "| **total (1)** |"));
  CHECK(contains(md, "| *predicted (20)* | 0:27:40 |"));
  CHECK(contains(md, "estimated from CPU time at 12 W/core (an assumption) |"));

  fake_powercap tree("label");
  tree.zone("intel-rapl:0", "package-0", 0, 1'000'000'000);
  auto c = no_devices();
  c.use_rapl = true;
  c.powercap_root = tree.root.string();
  lmt::energy_tracker measured(c, t.clocks());
  measured.start_epoch();
  tree.set("intel-rapl:0", 600'000'000);  // 600 J
  measured.end_epoch();
  CHECK(contains(measured.str(), "measured by RAPL package counters"));
  CHECK(contains(measured.markdown(), "RAPL: package-0"));
}

TEST_CASE("energy: a long gap between counter reads is flagged as a possible missed wrap", "[energy]") {
  fake_powercap tree("gap");
  tree.zone("intel-rapl:0", "package-0", 0, 10'000'000);                      // 10 J range
  tree.write(tree.root / "intel-rapl:0" / "constraint_0_max_power_uw", "1000000\n");  // 1 W
  fake_clocks t;
  auto c = no_devices();
  c.use_rapl = true;
  c.powercap_root = tree.root.string();
  lmt::energy_tracker tracker(c, t.clocks());
  tracker.start_epoch();
  t.wall = 5;
  tracker.poll();  // 5 s < 10 s to wrap: fine
  CHECK(tracker.notes().empty());
  t.wall = 25;
  tree.set("intel-rapl:0", 4'000'000);
  tracker.poll();
  tracker.end_epoch();
  REQUIRE(tracker.notes().size() == 1);
  CHECK(contains(tracker.notes()[0], "call poll() more often"));
  CHECK(tracker.epochs()[0].source == lmt::energy_source::measured_rapl);
}

TEST_CASE("energy: NVML absent is reported as no GPU energy", "[energy]") {
  lmt::nvml_reader missing("libnvidia-ml-lamina-does-not-exist.so.1");
  CHECK_FALSE(missing.ok());
  CHECK(contains(missing.reason(), "no GPU energy"));
  CHECK_FALSE(missing.read_joules());

  fake_clocks t;
  auto c = no_devices();
  c.use_nvml = true;
  c.nvml_library = "libnvidia-ml-lamina-does-not-exist.so.1";
  lmt::energy_tracker tracker(c, t.clocks());
  CHECK_FALSE(tracker.measuring_gpu());
  tracker.start_epoch();
  t.wall = 1, t.cpu = 1;
  const auto& e = tracker.end_epoch();
  CHECK(e.gpu_source == lmt::gpu_energy_source::none);
  CHECK(e.gpu_joules == 0);
  CHECK(contains(tracker.report().gpu_device, "no GPU energy"));
  CHECK(contains(tracker.str(), "GPU: no GPU energy"));

  // The real library on this machine: either it measures or it says why not.
  lmt::nvml_reader real;
  if (!real.ok()) CHECK(contains(real.reason(), "no GPU energy"));
}

TEST_CASE("energy: the default tracker on this machine measures or estimates, never throws", "[energy]") {
  lmt::energy_tracker tracker;
  tracker.start_epoch();
  volatile double sink = 0;
  for (int i = 0; i < 20'000'000; ++i) sink = sink + 1e-9 * i;
  tracker.poll();
  const auto& e = tracker.end_epoch();
  CHECK(e.seconds > 0);
  CHECK(e.cpu_seconds > 0);
  CHECK(e.kwh > 0);
  const auto text = tracker.str();
  CHECK((contains(text, "measured by RAPL") || contains(text, "estimated from CPU time")));
  WARN(text);
}
