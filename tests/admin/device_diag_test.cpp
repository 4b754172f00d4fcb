// `stationctl device read-idcard | print-test | printer-status | scan`: the technician's diagnostics,
// run as the real binary against the device simulators (the same bytes as the real devices).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <thread>

#include "drivers/sim/simulator.h"
#include "process.h"

using namespace std::chrono_literals;
using station::test::bin_path;
using station::test::run_process;
namespace sim = station::drivers::sim;

namespace {

station::test::ProcessResult ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {bin_path("stationctl"), "device"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, {}, 60s);
}

}  // namespace

TEST_CASE("device read-idcard reads the simulated card, masked unless --unmasked") {
    auto card = sim::IdCardSimulator::sample_card();
    auto reader = std::move(sim::IdCardSimulator::create(card).value());
    auto masked = ctl({"read-idcard", "--port", reader->uri(), "--json", "--timeout", "10"});
    REQUIRE_MESSAGE(masked.exit_code == 0, masked.err);
    auto fields = nlohmann::json::parse(masked.out);
    for (const char* key : {"card_type", "name", "sex", "nation", "birth_date", "address", "id_number",
                            "issuer", "valid_from", "valid_to"})
        CHECK_MESSAGE(fields.contains(key), key);
    CHECK(fields["name"] == card.name);
    CHECK(fields["id_number"] == card.masked_id());
    CHECK(masked.out.find(card.id_number) == std::string::npos);

    reader->lift_card();
    reader->place_card(card);
    auto unmasked = ctl({"read-idcard", "--port", reader->uri(), "--json", "--unmasked"});
    REQUIRE_MESSAGE(unmasked.exit_code == 0, unmasked.err);
    CHECK(nlohmann::json::parse(unmasked.out)["id_number"] == card.id_number);
}

TEST_CASE("device read-idcard names the reader and the fault when the reply's checksum is wrong") {
    auto reader = std::move(sim::IdCardSimulator::create(sim::IdCardSimulator::sample_card()).value());
    reader->set_fault(sim::SimFault::WrongChecksum);
    auto result = ctl({"read-idcard", "--port", reader->uri(), "--timeout", "5"});
    CHECK(result.exit_code == 1);
    CHECK(result.err.find(reader->uri()) != std::string::npos);
    CHECK(result.err.find("checksum") != std::string::npos);
}

TEST_CASE("device read-idcard with no card on the reader says so and exits 1") {
    auto reader = std::move(sim::IdCardSimulator::create().value());
    auto result = ctl({"read-idcard", "--port", reader->uri(), "--timeout", "1"});
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("no card") != std::string::npos);
}

TEST_CASE("device print-test prints a Chinese receipt with a QR code and a cut") {
    auto printer = std::move(sim::PrinterSimulator::create().value());
    auto result = ctl({"print-test", "--printer", printer->uri()});
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    auto record = printer->record();
    CHECK(record.cuts == 1);
    CHECK(record.qr_codes.size() == 1);
    bool chinese = false;
    for (const auto& line : record.lines)
        if (line.text.find("测试") != std::string::npos) chinese = true;
    CHECK(chinese);
    CHECK(record.problems.empty());
}

TEST_CASE("device printer-status reports paper, cover and errors, and print-test refuses without paper") {
    auto printer = std::move(sim::PrinterSimulator::create().value());
    auto ok = ctl({"printer-status", "--printer", printer->uri(), "--json"});
    REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
    auto status = nlohmann::json::parse(ok.out);
    CHECK(status["paper"] == "ok");
    CHECK(status["cover_open"] == false);
    CHECK(status["online"] == true);
    CHECK(status["error"].is_null());

    printer->set_fault(sim::SimFault::PaperOut);
    auto out = nlohmann::json::parse(ctl({"printer-status", "--printer", printer->uri(), "--json"}).out);
    CHECK(out["paper"] == "out");
    printer->set_fault(sim::SimFault::CoverOpen);
    CHECK(nlohmann::json::parse(
              ctl({"printer-status", "--printer", printer->uri(), "--json"}).out)["cover_open"] == true);
    printer->set_fault(sim::SimFault::NearEnd);
    CHECK(nlohmann::json::parse(
              ctl({"printer-status", "--printer", printer->uri(), "--json"}).out)["paper"] == "near_end");

    printer->set_fault(sim::SimFault::PaperOut);
    auto refused = ctl({"print-test", "--printer", printer->uri()});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find(printer->uri()) != std::string::npos);
    CHECK(printer->record().cuts == 0);
}

TEST_CASE("device printer-status on a printer that never answers exits 1 naming it") {
    auto printer = std::move(sim::PrinterSimulator::create().value());
    printer->set_fault(sim::SimFault::Silence);
    auto result = ctl({"printer-status", "--printer", printer->uri()});
    CHECK(result.exit_code == 1);
    CHECK(result.err.find(printer->uri()) != std::string::npos);
}

TEST_CASE("device scan prints one scan from a serial scanner") {
    auto scanner = std::move(sim::QrScannerSimulator::create().value());
    auto running = std::async(std::launch::async, [&] {
        return ctl({"scan", "--port", scanner->uri(), "--json", "--timeout", "20"});
    });
    // The scanner speaks once the command has opened the port: keep scanning until it answers.
    while (running.wait_for(200ms) != std::future_status::ready) scanner->emit_scan("station://activity/7");
    auto result = running.get();
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    auto scan = nlohmann::json::parse(result.out);
    CHECK(scan["payload"] == "station://activity/7");
    CHECK(scan["port"] == scanner->uri());
}

TEST_CASE("device scan with nothing scanned exits 1 naming the scanner") {
    auto scanner = std::move(sim::QrScannerSimulator::create().value());
    auto result = ctl({"scan", "--port", scanner->uri(), "--timeout", "1"});
    CHECK(result.exit_code == 1);
    CHECK(result.err.find(scanner->uri()) != std::string::npos);
}
