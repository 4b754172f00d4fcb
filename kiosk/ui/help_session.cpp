#include "kiosk/ui/help_session.h"

#include <spdlog/spdlog.h>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/help_desk.h"

namespace station::ui {

HelpSession::HelpSession(Station& station, UiQueue& ui_queue, Worker& worker)
    : station_(station), ui_queue_(ui_queue), worker_(worker) {
    // Runs on the publishing thread: hand the event to the UI thread, which checks the id.
    subscription_ = station_.events().subscribe([this](const Event& event) {
        if (event.type.rfind("help.", 0) != 0 || !event.data.contains("request")) return;
        ui_queue_.post([this, type = event.type, data = event.data] {
            if (current_ && data["request"].value("id", int64_t(0)) == current_->id)
                apply(data["request"], data.value("text", std::string()), type);
        });
    });
}

HelpSession::~HelpSession() {
    station_.events().unsubscribe(subscription_);
}

namespace {

std::string text_field(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void HelpSession::apply(const nlohmann::json& request, const std::string& text,
                        const std::string& event_type) {
    HelpSnapshot snapshot;
    snapshot.id = request.value("id", int64_t(0));
    snapshot.ticket = text_field(request, "ticket");
    snapshot.state = text_field(request, "state");
    snapshot.category = text_field(request, "category");
    snapshot.created_at_ms = request.value("created_at", int64_t(0));
    if (auto escalation = request.find("escalation"); escalation != request.end() && escalation->is_object())
        snapshot.escalation = escalation->value("level", 0);
    snapshot.rated = request.contains("rating") && !request["rating"].is_null();
    snapshot.status_text = text.empty() ? text_field(request, "status_text") : text;
    bool same_call = current_ && current_->id == snapshot.id;
    if (same_call) {
        snapshot.ticket_print = current_->ticket_print;
        snapshot.resident_masked = current_->resident_masked;
    }
    bool changed =
        !same_call || current_->state != snapshot.state || current_->escalation != snapshot.escalation;
    snapshot.last_change = "state";
    if (event_type == "help.ticket_printed" || event_type == "help.ticket_failed") {
        std::string outcome = event_type == "help.ticket_printed" ? "printed" : "failed";
        changed = snapshot.ticket_print != outcome;
        snapshot.ticket_print = outcome;
        snapshot.last_change = event_type.substr(5);
    } else if (event_type == "help.identified") {
        changed = true;
        snapshot.last_change = "identified";
        load_masked_id(snapshot.id);
    }
    current_ = snapshot;
    if (changed && announcer_) announcer_(snapshot);
}

void HelpSession::load_masked_id(int64_t id) {
    worker_.post([this, id] {
        auto request = station_.help_desk().get(id);
        if (!request || request->resident_id_masked.empty()) return;
        ui_queue_.post([this, id, masked = request->resident_id_masked] {
            if (current_ && current_->id == id) current_->resident_masked = masked;
        });
    });
}

void HelpSession::call() {
    if (has_open_call()) return;  // one call per resident: the button shows the open one
    sending_ = true;
    error_.clear();
    worker_.post([this] {
        HelpResult result = station_.help_desk().call(CallOptions{}, Actor::resident());
        nlohmann::json request;
        std::string text, error;
        if (result) {
            request = station_.help_desk().to_json(result.value(), false);
            text = station_.help_desk().status_text(result.value());
        } else {
            error = result.error();
        }
        ui_queue_.post([this, request, text, error] {
            sending_ = false;
            if (!error.empty()) {
                spdlog::error("help: call failed: {}", error);
                error_ = tr("help_screen.call_failed");
                return;
            }
            apply(request, text);
        });
    });
}

namespace {

// Runs `operation` on the worker; a refusal comes back as words on the screen.
template <typename Operation>
void send(Worker& worker, UiQueue& ui_queue, std::string* error_out, Operation operation) {
    worker.post([&ui_queue, error_out, operation] {
        HelpResult result = operation();
        if (!result) {
            std::string message = result.error();
            spdlog::warn("help: {}", message);
            ui_queue.post([error_out] { *error_out = tr("help_screen.action_failed"); });
        }
    });
}

}  // namespace

void HelpSession::choose_category(const std::string& id) {
    if (!current_ || !current_->open()) return;
    int64_t request = current_->id;
    current_->category = id;  // shown at once; the desk's event confirms it
    send(worker_, ui_queue_, &error_,
         [this, request, id] { return station_.help_desk().set_category(request, id, Actor::resident()); });
}

void HelpSession::cancel_by_resident() {
    if (!can_cancel()) return;
    int64_t request = current_->id;
    send(worker_, ui_queue_, &error_,
         [this, request] { return station_.help_desk().cancel(request, Actor::resident()); });
}

void HelpSession::rate(int faces) {
    if (!current_ || current_->state != "resolved" || current_->rated) return;
    int64_t request = current_->id;
    current_->rated = true;
    send(worker_, ui_queue_, &error_,
         [this, request, faces] { return station_.help_desk().rate(request, faces, Actor::resident()); });
}

void HelpSession::dismiss() {
    if (has_open_call()) return;  // an open call stays on screen until it is dealt with
    current_.reset();
    error_.clear();
}

int64_t HelpSession::ms_until_cancel_closes() const {
    if (!current_ || current_->state != "called") return -1;
    int64_t window_ms = int64_t(station_.config().help.cancel_window_s) * 1000;
    int64_t left = current_->created_at_ms + window_ms - station_.clock().now_ms();
    return left > 0 ? left : -1;
}

bool HelpSession::can_cancel() const {
    return ms_until_cancel_closes() > 0;
}

}  // namespace station::ui
