// The notifier's HTTP POST, done with cpp-httplib's client (http and https, system CA store).
#pragma once
#include "kiosk/core/notifier.h"

namespace station::api {

WebhookTransport http_webhook_transport();

}  // namespace station::api
