#include "kiosk/core/help_desk.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

#include "kiosk/core/activities.h"  // resident ids: salt, mask, keyed hash
#include "kiosk/core/database.h"
#include "kiosk/core/station.h"

namespace station {
namespace {

// Event and audit names are built from this prefix so they are not mistaken for catalogue keys.
constexpr const char* kPrefix = "help";
std::string event_type(const char* what) {
    return std::string(kPrefix) + "." + what;
}

// Letters that cannot be misheard or misread: no I (1) and no O (0).
constexpr const char* kTicketLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ";

std::string make_ticket(int64_t day_seq) {
    int64_t index = (day_seq - 1) / 999;
    int64_t number = (day_seq - 1) % 999 + 1;
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%c%03d", kTicketLetters[index % 24], static_cast<int>(number));
    return buffer;
}

std::optional<int64_t> opt_int64(SQLite::Statement& row, const char* column) {
    auto c = row.getColumn(column);
    if (c.isNull()) return std::nullopt;
    return c.getInt64();
}

std::string opt_text(SQLite::Statement& row, const char* column) {
    auto c = row.getColumn(column);
    return c.isNull() ? std::string() : c.getString();
}

HelpRequest row_to_request(SQLite::Statement& row) {
    HelpRequest r;
    r.id = row.getColumn("id").getInt64();
    r.ticket = row.getColumn("ticket").getString();
    r.service_day = row.getColumn("service_day").getString();
    r.category = row.getColumn("category").getString();
    r.source = row.getColumn("source").getString();
    r.state = parse_help_state(row.getColumn("state").getString()).value_or(HelpState::called);
    r.escalation_level = row.getColumn("escalation_level").getInt();
    r.realert_count = row.getColumn("realert_count").getInt();
    r.last_realert_at_ms = opt_int64(row, "last_realert_at_ms");
    r.created_at_ms = row.getColumn("created_at_ms").getInt64();
    r.created_by = row.getColumn("created_by").getString();
    r.acknowledged_at_ms = opt_int64(row, "acknowledged_at_ms");
    r.acknowledged_by = opt_text(row, "acknowledged_by");
    r.acknowledged_by_name = opt_text(row, "acknowledged_by_name");
    r.arrived_at_ms = opt_int64(row, "arrived_at_ms");
    r.arrived_by = opt_text(row, "arrived_by");
    r.arrived_by_name = opt_text(row, "arrived_by_name");
    r.closed_at_ms = opt_int64(row, "closed_at_ms");
    r.closed_by = opt_text(row, "closed_by");
    r.cancel_reason = opt_text(row, "cancel_reason");
    r.note = opt_text(row, "note");
    r.resident_id_masked = opt_text(row, "resident_id_masked");
    r.identified = !row.getColumn("resident_id_hash").isNull();
    if (auto rating = opt_int64(row, "rating")) r.rating = static_cast<int>(*rating);
    r.purged = !row.getColumn("purged_at_ms").isNull();
    return r;
}

std::optional<HelpRequest> load(SQLite::Database& sql, int64_t id) {
    SQLite::Statement query(sql, "SELECT * FROM help_requests WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    return row_to_request(query);
}

template <typename T>
void bind_opt(SQLite::Statement& s, int index, const std::optional<T>& value) {
    if (value)
        s.bind(index, static_cast<int64_t>(*value));
    else
        s.bind(index);
}

void bind_text_or_null(SQLite::Statement& s, int index, const std::string& value) {
    if (value.empty())
        s.bind(index);
    else
        s.bind(index, value);
}

// Writes every mutable column of `r` back (the row exists).
void save(SQLite::Database& sql, const HelpRequest& r) {
    SQLite::Statement update(
        sql,
        "UPDATE help_requests SET category = ?, state = ?, escalation_level = ?, "
        "realert_count = ?, last_realert_at_ms = ?, acknowledged_at_ms = ?, "
        "acknowledged_by = ?, acknowledged_by_name = ?, arrived_at_ms = ?, arrived_by = ?, "
        "arrived_by_name = ?, closed_at_ms = ?, closed_by = ?, cancel_reason = ?, note = ?, "
        "rating = ? WHERE id = ?");
    update.bind(1, r.category);
    update.bind(2, help_state_name(r.state));
    update.bind(3, r.escalation_level);
    update.bind(4, r.realert_count);
    bind_opt(update, 5, r.last_realert_at_ms);
    bind_opt(update, 6, r.acknowledged_at_ms);
    bind_text_or_null(update, 7, r.acknowledged_by);
    bind_text_or_null(update, 8, r.acknowledged_by_name);
    bind_opt(update, 9, r.arrived_at_ms);
    bind_text_or_null(update, 10, r.arrived_by);
    bind_text_or_null(update, 11, r.arrived_by_name);
    bind_opt(update, 12, r.closed_at_ms);
    bind_text_or_null(update, 13, r.closed_by);
    bind_text_or_null(update, 14, r.cancel_reason);
    bind_text_or_null(update, 15, r.note);
    bind_opt(update, 16, r.rating);
    update.bind(17, r.id);
    update.exec();
}

// The journal row keeps the data without its own id; events_after() adds "event_id" back.
int64_t append_event(SQLite::Database& sql, const std::string& type, int64_t at_ms, int64_t request_id,
                     nlohmann::json& data) {
    SQLite::Statement insert(sql,
                             "INSERT INTO help_events (at_ms, type, request_id, data) VALUES (?, ?, ?, ?)");
    insert.bind(1, at_ms);
    insert.bind(2, type);
    insert.bind(3, request_id);
    insert.bind(4, data.dump());
    insert.exec();
    int64_t event_id = sql.getLastInsertRowid();
    data["event_id"] = event_id;
    return event_id;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::string join_ids(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& item : list) out += (out.empty() ? "" : ", ") + item;
    return out;
}

const HelpTransition* find_transition(const std::string& operation) {
    for (const auto& t : help_transitions())
        if (operation == t.operation) return &t;
    return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

const char* help_state_name(HelpState state) {
    switch (state) {
        case HelpState::called:
            return "called";
        case HelpState::acknowledged:
            return "acknowledged";
        case HelpState::arrived:
            return "arrived";
        case HelpState::resolved:
            return "resolved";
        case HelpState::cancelled:
            return "cancelled";
    }
    return "called";
}

std::optional<HelpState> parse_help_state(const std::string& name) {
    for (HelpState s : {HelpState::called, HelpState::acknowledged, HelpState::arrived, HelpState::resolved,
                        HelpState::cancelled})
        if (name == help_state_name(s)) return s;
    return std::nullopt;
}

const std::vector<std::string>& help_category_ids() {
    static const std::vector<std::string> ids = {"medical", "meal", "repair", "errand", "consult", "other"};
    return ids;
}

const std::vector<std::string>& help_source_ids() {
    static const std::vector<std::string> ids = {"screen", "button", "staff", "suggestion"};
    return ids;
}

const std::vector<HelpTransition>& help_transitions() {
    using S = HelpState;
    static const std::vector<HelpTransition> table = {
        {"acknowledge", {S::called}, S::acknowledged},
        {"arrive", {S::called, S::acknowledged}, S::arrived},  // staff may walk over unannounced
        {"resolve", {S::acknowledged, S::arrived}, S::resolved},
        {"cancel", {S::called, S::acknowledged, S::arrived}, S::cancelled},
        {"escalate", {S::called}, std::nullopt},
        {"realert", {S::called, S::acknowledged}, std::nullopt},
        {"categorise", {S::called, S::acknowledged, S::arrived}, std::nullopt},
        {"identify", {S::called, S::acknowledged, S::arrived}, std::nullopt},
        {"rate", {S::resolved}, std::nullopt},
        // The kiosk's printer reports the ticket: printed or not, the call stands as it is.
        {"ticket", {S::called, S::acknowledged, S::arrived, S::resolved, S::cancelled}, std::nullopt},
    };
    return table;
}

Actor Actor::resident(std::string device_username) {
    return {Kind::resident, std::move(device_username), ""};
}
Actor Actor::staff(std::string username, std::string display_name) {
    return {Kind::staff, std::move(username), std::move(display_name)};
}
Actor Actor::system() {
    return {Kind::system, "", ""};
}

std::string Actor::audit_name() const {
    switch (kind) {
        case Kind::resident:
            return "resident";
        case Kind::system:
            return "system";
        case Kind::staff:
            return username;
    }
    return "system";
}

// ---------------------------------------------------------------------------------------------

// One change to an existing request: checks what the transition table cannot (who, windows,
// fields) and edits the request; returns an error message to refuse.
struct HelpDesk::Change {
    std::function<std::optional<std::pair<HelpErrorKind, std::string>>(HelpRequest&, int64_t now_ms)> edit;
    const char* event = nullptr;  // event name after "help."
    nlohmann::json audit_detail = nlohmann::json::object();
    bool notify = false;                                            // queue webhooks for this change
    std::function<void(SQLite::Database&)> also_write;              // more writes in the same transaction
    std::function<nlohmann::json(const HelpRequest&)> event_extra;  // more fields in the event's data
    bool durable = true;  // synchronous=FULL; false only for the ticket's print result
};

HelpDesk::HelpDesk(Station& station)
    : station_(station),
      ladder_{station.config().help.level1_after_s * 1000LL, station.config().help.level2_after_s * 1000LL,
              station.config().help.realert_after_s * 1000LL},
      cancel_window_ms_(station.config().help.cancel_window_s * 1000LL),
      retention_ms_(station.config().help.retention_days * 86'400'000LL) {
    auto catalogue = Catalogue::embedded(station.config().station.locale);
    if (!catalogue) catalogue = Catalogue::embedded("zh-CN");
    if (catalogue) catalogue_ = *catalogue;
    if (sodium_init() < 0) spdlog::error("help desk: libsodium failed to initialise");
    salt_ = resident_id_salt(station.db());
}

void HelpDesk::set_outbox_writer(HelpOutboxWriter writer) {
    outbox_ = std::move(writer);
}

std::string HelpDesk::fill(const std::string& key,
                           const std::vector<std::pair<std::string, std::string>>& values) const {
    std::string text = catalogue_.get(key);
    for (const auto& [name, value] : values) {
        std::string placeholder = "{" + name + "}";
        for (size_t at = text.find(placeholder); at != std::string::npos;
             at = text.find(placeholder, at + value.size()))
            text.replace(at, placeholder.size(), value);
    }
    return text;
}

std::string HelpDesk::category_label(const std::string& category) const {
    if (category.empty()) return "";
    static const std::map<std::string, const char*> keys = {
        {"medical", "help.category.medical"}, {"meal", "help.category.meal"},
        {"repair", "help.category.repair"},   {"errand", "help.category.errand"},
        {"consult", "help.category.consult"}, {"other", "help.category.other"}};
    auto key = keys.find(category);
    return key == keys.end() ? category : catalogue_.get(key->second);
}

std::string HelpDesk::notification_text(const std::string& type, const HelpRequest& r) const {
    std::string category =
        r.category.empty() ? ""
                           : fill("help.notify.category_suffix", {{"category", category_label(r.category)}});
    int64_t waited_ms =
        station_.clock().now_ms() -
        (r.state == HelpState::called ? r.created_at_ms : r.acknowledged_at_ms.value_or(r.created_at_ms));
    std::vector<std::pair<std::string, std::string>> values = {
        {"ticket", r.ticket},
        {"category", category},
        {"name", r.acknowledged_by_name.empty() ? r.acknowledged_by : r.acknowledged_by_name},
        {"minutes", std::to_string(std::max<int64_t>(1, (waited_ms + 30'000) / 60'000))},
        {"level", std::to_string(r.escalation_level)}};
    if (type == event_type("acknowledged")) return fill("help.notify.acknowledged", values);
    if (type == event_type("escalated")) return fill("help.notify.escalated", values);
    if (type == event_type("realerted")) return fill("help.notify.realerted", values);
    if (type == event_type("ticket_failed")) return fill("help.notify.ticket_failed", values);
    return fill("help.notify.called", values);
}

std::string HelpDesk::status_text(const HelpRequest& r) const {
    switch (r.state) {
        case HelpState::called:
            return r.escalation_level > 0 ? fill("help.state.called_escalated", {})
                                          : fill("help.state.called", {});
        case HelpState::acknowledged:
            if (r.acknowledged_by_name.empty()) return fill("help.state.acknowledged_anonymous", {});
            return fill("help.state.acknowledged", {{"name", r.acknowledged_by_name}});
        case HelpState::arrived:
            if (r.arrived_by_name.empty()) return fill("help.state.arrived_anonymous", {});
            return fill("help.state.arrived", {{"name", r.arrived_by_name}});
        case HelpState::resolved:
            return fill("help.state.resolved", {});
        case HelpState::cancelled:
            return fill("help.state.cancelled", {});
    }
    return "";
}

nlohmann::json HelpDesk::to_json(const HelpRequest& r, bool personal) const {
    auto opt = [](const std::optional<int64_t>& v) -> nlohmann::json {
        return v ? nlohmann::json(*v) : nullptr;
    };
    auto who = [](const std::string& user, const std::string& name) -> nlohmann::json {
        if (user.empty()) return nullptr;
        return {{"user", user}, {"name", name}};
    };
    std::optional<EscalationStep> next =
        r.open() ? next_escalation(r, ladder_, station_.clock().now_ms()) : std::nullopt;
    nlohmann::json j = {
        {"id", r.id},
        {"ticket", r.ticket},
        {"state", help_state_name(r.state)},
        {"open", r.open()},
        {"category", r.category.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.category)},
        {"category_label", category_label(r.category)},
        {"source", r.source},
        {"service_day", r.service_day},
        {"created_at", r.created_at_ms},
        {"created_by", r.created_by},
        {"escalation",
         {{"level", r.escalation_level},
          {"realerts", r.realert_count},
          {"next_at", next ? nlohmann::json(next->due_at_ms) : nlohmann::json(nullptr)},
          {"next_level", next && next->kind == EscalationStep::Kind::raise_level ? nlohmann::json(next->level)
                                                                                 : nlohmann::json(nullptr)}}},
        {"acknowledged_at", opt(r.acknowledged_at_ms)},
        {"acknowledged_by", who(r.acknowledged_by, r.acknowledged_by_name)},
        {"arrived_at", opt(r.arrived_at_ms)},
        {"arrived_by", who(r.arrived_by, r.arrived_by_name)},
        {"closed_at", opt(r.closed_at_ms)},
        {"closed_by", r.closed_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.closed_by)},
        {"identified", r.identified},
        {"rating", r.rating ? nlohmann::json(*r.rating) : nlohmann::json(nullptr)},
        {"status_text", status_text(r)},
    };
    if (personal) {
        j["resident_id_masked"] =
            r.resident_id_masked.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.resident_id_masked);
        j["cancel_reason"] =
            r.cancel_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.cancel_reason);
        j["note"] = r.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.note);
        j["purged"] = r.purged;
    }
    return j;
}

// ---------------------------------------------------------------------------------------------

HelpResult HelpDesk::call(const CallOptions& options, const Actor& by) {
    if (!options.category.empty() && !contains(help_category_ids(), options.category))
        return {HelpErrorKind::bad_input, "category: expected one of " + join_ids(help_category_ids()) +
                                              " (got \"" + options.category + "\")"};
    if (!contains(help_source_ids(), options.source))
        return {HelpErrorKind::bad_input, "source: expected one of " + join_ids(help_source_ids()) +
                                              " (got \"" + options.source + "\")"};
    if (options.request_key.size() > 64)
        return {HelpErrorKind::bad_input, "request_key: at most 64 characters"};

    Event event;
    HelpRequest request;
    try {
        auto lock = station_.db().lock();
        SQLite::Database& sql = station_.db().sql();
        if (!options.request_key.empty()) {
            SQLite::Statement known(sql, "SELECT * FROM help_requests WHERE request_key = ?");
            known.bind(1, options.request_key);
            if (known.executeStep()) return HelpResult(row_to_request(known), true);
        }
        int64_t now = station_.clock().now_ms();
        std::string day = format_local(from_ms(now), "%Y-%m-%d");
        DurableTransaction transaction(sql);
        SQLite::Statement next_seq(
            sql, "SELECT COALESCE(MAX(day_seq), 0) + 1 FROM help_requests WHERE service_day = ?");
        next_seq.bind(1, day);
        next_seq.executeStep();
        int64_t seq = next_seq.getColumn(0).getInt64();
        SQLite::Statement insert(
            sql,
            "INSERT INTO help_requests (ticket, service_day, day_seq, request_key, category, "
            "source, state, created_at_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, 'called', ?, ?)");
        insert.bind(1, make_ticket(seq));
        insert.bind(2, day);
        insert.bind(3, seq);
        bind_text_or_null(insert, 4, options.request_key);
        insert.bind(5, options.category);
        insert.bind(6, options.source);
        insert.bind(7, now);
        insert.bind(8, by.audit_name());
        insert.exec();
        request = *load(sql, sql.getLastInsertRowid());

        std::string text = status_text(request);
        std::string type = event_type("called");
        nlohmann::json data = {
            {"type", type}, {"at", now}, {"request", to_json(request, false)}, {"text", text}};
        append_event(sql, type, now, request.id, data);
        Station::write_audit(
            sql, now, by.audit_name(), type, std::to_string(request.id),
            {{"ticket", request.ticket}, {"source", request.source}, {"category", request.category}});
        if (outbox_) outbox_(sql, type, request, text);
        transaction.commit();
        event = Event{type, std::move(data), now};
    } catch (const std::exception& e) {  // rolled back: nothing was confirmed, nobody is told
        spdlog::error("help: cannot save a call: {}", e.what());
        return {HelpErrorKind::storage, std::string("storage: the call could not be saved: ") + e.what()};
    }
    spdlog::info("help: {} called (id {}, source {})", request.ticket, request.id, request.source);
    station_.events().publish(event);
    return request;
}

HelpResult HelpDesk::apply(int64_t id, const char* operation, const Actor& by, const Change& change) {
    const HelpTransition* transition = find_transition(operation);
    Event event;
    HelpRequest request;
    try {
        auto lock = station_.db().lock();
        SQLite::Database& sql = station_.db().sql();
        auto loaded = load(sql, id);
        if (!loaded) return {HelpErrorKind::not_found, "id: no help request " + std::to_string(id)};
        request = *loaded;
        if (std::find(transition->from.begin(), transition->from.end(), request.state) ==
            transition->from.end())
            return {HelpErrorKind::illegal_transition,
                    std::string("state: cannot ") + operation + " request " + std::to_string(id) + " (" +
                        request.ticket + "): it is " + help_state_name(request.state)};
        int64_t now = station_.clock().now_ms();
        HelpState before = request.state;
        if (auto refused = change.edit(request, now)) return {refused->first, refused->second};
        if (transition->to) request.state = *transition->to;

        // Every change is synchronous=FULL except the ticket's print result: losing that to a
        // power cut loses no call, and a second fsync per call halved the desk's throughput.
        std::optional<DurableTransaction> durable;
        std::optional<SQLite::Transaction> normal;
        if (change.durable)
            durable.emplace(sql);
        else
            normal.emplace(sql);
        save(sql, request);
        if (change.also_write) change.also_write(sql);
        std::string text = status_text(request);
        std::string type = event_type(change.event);
        nlohmann::json data = {
            {"type", type}, {"at", now}, {"request", to_json(request, false)}, {"text", text}};
        if (std::string(operation) == "escalate") data["level"] = request.escalation_level;
        if (change.event_extra) {
            nlohmann::json extra = change.event_extra(request);
            for (auto& [key, value] : extra.items()) data[key] = value;
        }
        append_event(sql, type, now, request.id, data);
        nlohmann::json detail = change.audit_detail;
        detail["ticket"] = request.ticket;
        detail["from"] = help_state_name(before);
        detail["to"] = help_state_name(request.state);
        Station::write_audit(sql, now, by.audit_name(), type, std::to_string(request.id), detail);
        if (change.notify && outbox_) outbox_(sql, type, request, text);
        if (durable)
            durable->commit();
        else
            normal->commit();
        event = Event{type, std::move(data), now};
    } catch (const std::exception& e) {
        spdlog::error("help: cannot {} request {}: {}", operation, id, e.what());
        return {HelpErrorKind::storage, std::string("storage: the change could not be saved: ") + e.what()};
    }
    station_.events().publish(event);
    return request;
}

HelpResult HelpDesk::set_category(int64_t id, const std::string& category, const Actor& by) {
    if (!contains(help_category_ids(), category))
        return {HelpErrorKind::bad_input,
                "category: expected one of " + join_ids(help_category_ids()) + " (got \"" + category + "\")"};
    Change change;
    change.event = "categorised";
    change.audit_detail = {{"category", category}};
    change.edit = [&](HelpRequest& r, int64_t) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        r.category = category;
        return std::nullopt;
    };
    return apply(id, "categorise", by, change);
}

HelpResult HelpDesk::identify(int64_t id, const std::string& id_number, const Actor& by) {
    std::string number;
    for (char c : id_number)
        if (c != ' ' && c != '-') number += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool valid = number.size() >= 6 && number.size() <= 32 &&
                 std::all_of(number.begin(), number.end(),
                             [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    // The refusal never repeats the number: it is personal data.
    if (!valid) return {HelpErrorKind::bad_input, "id_number: expected 6-32 letters or digits"};
    std::string masked = mask_resident_id(number);
    std::string hash = hash_resident_id(salt_, number);
    sodium_memzero(number.data(), number.size());
    Change change;
    change.event = "identified";
    change.edit = [&](HelpRequest& r, int64_t) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        r.resident_id_masked = masked;
        r.identified = true;
        return std::nullopt;
    };
    // save() never writes the id columns, so a later change cannot undo retention's purge.
    change.also_write = [&](SQLite::Database& sql) {
        SQLite::Statement update(
            sql, "UPDATE help_requests SET resident_id_masked = ?, resident_id_hash = ? WHERE id = ?");
        update.bind(1, masked);
        update.bind(2, hash);
        update.bind(3, id);
        update.exec();
    };
    return apply(id, "identify", by, change);
}

HelpResult HelpDesk::acknowledge(int64_t id, const Actor& by) {
    if (by.kind != Actor::Kind::staff)
        return {HelpErrorKind::bad_input, "actor: only staff can acknowledge a help request"};
    Change change;
    change.event = "acknowledged";
    change.notify = true;
    change.edit = [&](HelpRequest& r, int64_t now) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        r.acknowledged_at_ms = now;
        r.acknowledged_by = by.username;
        r.acknowledged_by_name = by.display_name;
        return std::nullopt;
    };
    return apply(id, "acknowledge", by, change);
}

HelpResult HelpDesk::arrive(int64_t id, const Actor& by) {
    if (by.kind != Actor::Kind::staff) return {HelpErrorKind::bad_input, "actor: only staff can arrive"};
    Change change;
    change.event = "arrived";
    change.edit = [&](HelpRequest& r, int64_t now) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        if (!r.acknowledged_at_ms) {  // arriving unannounced also acknowledges
            r.acknowledged_at_ms = now;
            r.acknowledged_by = by.username;
            r.acknowledged_by_name = by.display_name;
        }
        r.arrived_at_ms = now;
        r.arrived_by = by.username;
        r.arrived_by_name = by.display_name;
        return std::nullopt;
    };
    return apply(id, "arrive", by, change);
}

HelpResult HelpDesk::resolve(int64_t id, const Actor& by, const std::string& note) {
    if (by.kind != Actor::Kind::staff) return {HelpErrorKind::bad_input, "actor: only staff can resolve"};
    if (note.size() > 2000) return {HelpErrorKind::bad_input, "note: at most 2000 bytes"};
    Change change;
    change.event = "resolved";
    change.edit = [&](HelpRequest& r, int64_t now) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        r.closed_at_ms = now;
        r.closed_by = by.username;
        r.note = note;
        return std::nullopt;
    };
    return apply(id, "resolve", by, change);
}

HelpResult HelpDesk::cancel(int64_t id, const Actor& by, const std::string& reason) {
    if (reason.size() > 500) return {HelpErrorKind::bad_input, "reason: at most 500 bytes"};
    if (by.kind == Actor::Kind::staff && reason.empty())
        return {HelpErrorKind::bad_input, "reason: staff must say why a help request is cancelled"};
    Change change;
    change.event = "cancelled";
    change.audit_detail = {{"by_resident", by.kind == Actor::Kind::resident}};
    change.edit = [&](HelpRequest& r, int64_t now) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        if (by.kind == Actor::Kind::resident) {
            if (r.state != HelpState::called)
                return std::make_pair(
                    HelpErrorKind::illegal_transition,
                    std::string("state: a resident can only cancel a request that is called; it is ") +
                        help_state_name(r.state));
            if (now - r.created_at_ms > cancel_window_ms_)
                return std::make_pair(HelpErrorKind::illegal_transition,
                                      "state: the " + std::to_string(cancel_window_ms_ / 1000) +
                                          " s cancel window of request " + r.ticket +
                                          " has passed; staff will come");
        }
        r.closed_at_ms = now;
        r.closed_by = by.audit_name();
        r.cancel_reason = reason;
        return std::nullopt;
    };
    return apply(id, "cancel", by, change);
}

HelpResult HelpDesk::rate(int64_t id, int faces, const Actor& by) {
    if (faces < 1 || faces > 3)
        return {HelpErrorKind::bad_input, "rating: expected 1, 2 or 3 (got " + std::to_string(faces) + ")"};
    Change change;
    change.event = "rated";
    change.audit_detail = {{"rating", faces}};
    change.edit = [&](HelpRequest& r, int64_t) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        if (r.rating)
            return std::make_pair(HelpErrorKind::illegal_transition, std::string("rating: already rated"));
        r.rating = faces;
        return std::nullopt;
    };
    return apply(id, "rate", by, change);
}

HelpResult HelpDesk::ticket_outcome(int64_t id, bool printed, const std::string& reason, bool confirmed) {
    Change change;
    change.event = printed ? "ticket_printed" : "ticket_failed";
    change.notify = !printed;  // staff hear that the resident has no paper ticket
    change.durable = false;
    std::string why = reason.substr(0, 200);
    change.audit_detail =
        printed ? nlohmann::json{{"confirmed", confirmed}} : nlohmann::json{{"reason", why}};
    change.edit = [](HelpRequest&, int64_t) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        return std::nullopt;
    };
    // The print result's fields, flat in the event for the screen and the consoles.
    change.event_extra = [&](const HelpRequest& r) {
        nlohmann::json extra = {{"request_id", id}, {"ticket", r.ticket}, {"printed", printed}};
        if (printed)
            extra["confirmed"] = confirmed;
        else
            extra["reason"] = why;
        return extra;
    };
    return apply(id, "ticket", Actor::system(), change);
}

HelpResult HelpDesk::escalate(int64_t id, int level) {
    if (level < 1 || level > 2) return {HelpErrorKind::bad_input, "level: expected 1 or 2"};
    Change change;
    change.event = "escalated";
    change.notify = true;
    change.audit_detail = {{"level", level}};
    change.edit = [&](HelpRequest& r, int64_t) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        if (r.escalation_level >= level)
            return std::make_pair(
                HelpErrorKind::illegal_transition,
                "level: request " + r.ticket + " is already at level " + std::to_string(r.escalation_level));
        r.escalation_level = level;
        return std::nullopt;
    };
    return apply(id, "escalate", Actor::system(), change);
}

HelpResult HelpDesk::realert(int64_t id) {
    Change change;
    change.event = "realerted";
    change.notify = true;
    change.edit = [&](HelpRequest& r, int64_t now) -> std::optional<std::pair<HelpErrorKind, std::string>> {
        r.realert_count += 1;
        r.last_realert_at_ms = now;
        return std::nullopt;
    };
    return apply(id, "realert", Actor::system(), change);
}

// ---------------------------------------------------------------------------------------------

std::optional<HelpRequest> HelpDesk::get(int64_t id) {
    auto lock = station_.db().lock();
    return load(station_.db().sql(), id);
}

std::vector<HelpRequest> HelpDesk::list(HelpListFilter filter, int limit) {
    const char* where = filter == HelpListFilter::open
                            ? "WHERE state IN ('called', 'acknowledged', 'arrived')"
                        : filter == HelpListFilter::closed ? "WHERE state IN ('resolved', 'cancelled')"
                                                           : "";
    auto lock = station_.db().lock();
    SQLite::Statement query(station_.db().sql(), std::string("SELECT * FROM help_requests ") + where +
                                                     " ORDER BY id DESC LIMIT ?");
    query.bind(1, std::max(1, limit));
    std::vector<HelpRequest> out;
    while (query.executeStep()) out.push_back(row_to_request(query));
    return out;
}

std::vector<HelpRequest> HelpDesk::open_requests() {
    auto lock = station_.db().lock();
    SQLite::Statement query(
        station_.db().sql(),
        "SELECT * FROM help_requests WHERE state IN ('called', 'acknowledged', 'arrived') ORDER BY id");
    std::vector<HelpRequest> out;
    while (query.executeStep()) out.push_back(row_to_request(query));
    return out;
}

std::vector<HelpEventRecord> HelpDesk::events_after(int64_t event_id, int limit) {
    auto lock = station_.db().lock();
    SQLite::Statement query(station_.db().sql(),
                            "SELECT id, type, at_ms, data FROM help_events WHERE id > ? ORDER BY id LIMIT ?");
    query.bind(1, event_id);
    query.bind(2, std::max(1, limit));
    std::vector<HelpEventRecord> out;
    while (query.executeStep()) {
        HelpEventRecord record;
        record.id = query.getColumn(0).getInt64();
        record.type = query.getColumn(1).getString();
        record.at_ms = query.getColumn(2).getInt64();
        record.data = nlohmann::json::parse(query.getColumn(3).getString(), nullptr, false);
        if (record.data.is_object()) record.data["event_id"] = record.id;
        out.push_back(std::move(record));
    }
    return out;
}

int64_t HelpDesk::last_event_id() {
    auto lock = station_.db().lock();
    return station_.db().sql().execAndGet("SELECT COALESCE(MAX(id), 0) FROM help_events").getInt64();
}

HelpDesk::Counts HelpDesk::counts() {
    auto lock = station_.db().lock();
    SQLite::Statement query(station_.db().sql(),
                            "SELECT COUNT(*), "
                            "COALESCE(SUM(state IN ('called', 'acknowledged', 'arrived')), 0), "
                            "COALESCE(SUM(state = 'resolved'), 0), COALESCE(SUM(state = 'cancelled'), 0) "
                            "FROM help_requests");
    query.executeStep();
    return {query.getColumn(0).getInt64(), query.getColumn(1).getInt64(), query.getColumn(2).getInt64(),
            query.getColumn(3).getInt64()};
}

int HelpDesk::purge_expired() {
    int64_t now = station_.clock().now_ms();
    int purged = 0;
    {
        auto lock = station_.db().lock();
        SQLite::Database& sql = station_.db().sql();
        DurableTransaction transaction(sql);
        SQLite::Statement update(
            sql,
            "UPDATE help_requests SET cancel_reason = NULL, note = NULL, resident_id_masked = NULL, "
            "resident_id_hash = NULL, purged_at_ms = ? "
            "WHERE state IN ('resolved', 'cancelled') AND closed_at_ms < ? AND purged_at_ms IS NULL");
        update.bind(1, now);
        update.bind(2, now - retention_ms_);
        purged = update.exec();
        if (purged > 0)
            Station::write_audit(sql, now, "system", std::string(kPrefix) + ".purge", "",
                                 {{"requests", purged}, {"retention_days", retention_ms_ / 86'400'000}});
        transaction.commit();
    }
    if (purged > 0) spdlog::info("help: retention cleared personal fields of {} closed request(s)", purged);
    return purged;
}

}  // namespace station
