// EscPosPrinter: status before and after every job, over any Transport.
#include "printer/printer.h"

namespace station::drivers {

EscPosPrinter::EscPosPrinter(std::unique_ptr<Transport> transport, PrinterOptions options)
    : transport_(std::move(transport)), options_(std::move(options)) {
    health_.set(HealthState::Ok);
}

Result<std::unique_ptr<EscPosPrinter>> EscPosPrinter::open(const std::string& uri, PrinterOptions options) {
    auto transport = open_transport(uri, SerialSettings{115200});
    if (!transport) return transport.error();
    auto printer = std::make_unique<EscPosPrinter>(std::move(*transport), std::move(options));
    if (printer->options_.query_status) {
        if (auto status = printer->status(); !status) return status.error();
    }
    return printer;
}

void EscPosPrinter::note_error(const Error& error) {
    switch (error.code) {
        case ErrorCode::Unplugged: health_.set(HealthState::Offline, "打印机已断开 printer disconnected"); break;
        case ErrorCode::Timeout: health_.set(HealthState::Offline, "打印机无响应 printer not answering"); break;
        case ErrorCode::Format: health_.set(HealthState::Degraded, "打印机状态无法识别 unreadable printer status"); break;
        default: health_.set(HealthState::Offline, error.message);
    }
}

Result<PrinterStatus> EscPosPrinter::status() {
    PrinterStatus status;
    if (!options_.query_status) return status;
    transport_->discard_input();
    for (int n = 1; n <= 4; ++n) {
        auto query = status_query(n);
        if (auto ok = transport_->write_all(query, options_.status_timeout); !ok) {
            note_error(ok.error());
            return ok.error();
        }
        uint8_t byte = 0;
        auto got = transport_->read_some(std::span(&byte, 1), options_.status_timeout);
        if (!got) {
            note_error(got.error());
            return got.error();
        }
        if (*got == 0) {
            Error e = make_error(ErrorCode::Timeout, "dle_eot." + std::to_string(n), transport_->uri(),
                                 "打印机无响应 printer did not answer the status query");
            note_error(e);
            return e;
        }
        if (auto ok = parse_status_byte(n, byte, status); !ok) {
            note_error(ok.error());
            transport_->discard_input();
            return ok.error();
        }
    }
    auto h = status.health();
    health_.set(h.state, h.reason);
    return status;
}

Result<PrintOutcome> EscPosPrinter::print(const PrintJob& job) {
    PrintOutcome outcome;
    auto before = status();
    if (!before) return before.error();
    outcome.before = *before;
    if (!before->can_print())
        return make_error(ErrorCode::DeviceStatus, "printer.status", paper_state_name(before->paper),
                          "无法打印 cannot print: " + before->health().reason);
    if (auto written = transport_->write_all(job, options_.write_timeout); !written) {
        note_error(written.error());
        return written.error();
    }
    auto after = status();
    if (after) outcome.after = *after;
    else outcome.after_error = after.error();
    return outcome;
}

DeviceHealth EscPosPrinter::health() const { return health_.get(); }

}  // namespace station::drivers
