// station-bench (`make bench`): prints one line per figure, `name: value unit`.
//
//   startup_to_first_frame_ms  median of 5 cold process starts under Xvfb, from fork to the kiosk's
//                              "first frame presented" log line (font and atlas included)
//   idle_cpu_percent           CPU of the kiosk process on the home screen over 10 s, % of one core
//   rss_mb, pss_mb             its resident and proportional set size at the end of that idle period
//   frame_cpu_ms_p50/p99       CPU time per forced frame of home at 1920x1080, software renderer
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>
#include <string>
#include <vector>

#include <algorithm>

#include "kiosk/core/catalogue.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/offscreen.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;
void bench_help_desk();  // help_bench.cpp
void bench_devices();    // devices_bench.cpp
void bench_signage();    // signage_bench.cpp
void bench_content();    // content_bench.cpp
void bench_admin_console();  // admin_bench.cpp
using station::test::ChildProcess;

namespace {

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    if (values.empty()) return 0;
    size_t index = std::min(values.size() - 1, size_t(p / 100.0 * double(values.size() - 1) + 0.5));
    return values[index];
}

double process_cpu_seconds(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) {
            stime = std::stoull(field);
            break;
        }
    }
    return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

double memory_kb(const std::string& file, const std::string& key, int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size()));
    return -1;
}

std::vector<std::string> kiosk_args(const std::string& data_dir) {
    return {station::test::bin_path("station-kiosk"), "--demo", "--windowed", "1920x1080", "--data", data_dir,
            "--api", "127.0.0.1:0"};
}

void bench_window(const std::string& display, const std::string& data_dir) {
    station::test::EnvChanges env{{"DISPLAY", display}, {"SDL_VIDEODRIVER", std::nullopt}};
    {  // first run creates the database and the demo account; not a fair start-up
        ChildProcess warm(kiosk_args(data_dir), env);
        if (!warm.wait_for_stderr("first frame presented", 30s)) {
            std::fprintf(stderr, "bench: the kiosk did not start under Xvfb:\n%s\n", warm.err_so_far().c_str());
            std::exit(1);
        }
        warm.stop(SIGTERM);
    }
    std::vector<double> startups;
    for (int run = 0; run < 5; ++run) {
        auto start = std::chrono::steady_clock::now();
        ChildProcess kiosk(kiosk_args(data_dir), env);
        if (!kiosk.wait_for_stderr("first frame presented", 30s)) continue;
        startups.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        kiosk.stop(SIGTERM);
    }
    std::printf("startup_to_first_frame_ms: %.0f ms\n", percentile(startups, 50));
    std::fflush(stdout);

    ChildProcess kiosk(kiosk_args(data_dir), env);
    kiosk.wait_for_stderr("first frame presented", 30s);
    std::this_thread::sleep_for(1s);
    double cpu_before = process_cpu_seconds(kiosk.pid());
    auto wall_before = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(10s);
    double cpu = process_cpu_seconds(kiosk.pid()) - cpu_before;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
    std::printf("idle_cpu_percent: %.2f %%\n", 100.0 * cpu / wall);
    std::printf("rss_mb: %.1f MB\n", memory_kb("status", "VmRSS:", kiosk.pid()) / 1024.0);
    std::printf("pss_mb: %.1f MB\n", memory_kb("smaps_rollup", "Pss:", kiosk.pid()) / 1024.0);
    std::fflush(stdout);
    kiosk.stop(SIGTERM);
}

void bench_frames(const std::string& data_dir) {
    auto catalogue = station::Catalogue::embedded("zh-CN");
    station::set_active_catalogue(*catalogue);
    station::StationOptions options;
    options.data_dir = data_dir;
    options.demo = true;
    auto opened = station::Station::open(options);
    if (!opened) {
        std::fprintf(stderr, "bench: %s\n", opened.error().message.c_str());
        std::exit(1);
    }
    auto kiosk = station::ui::OffscreenKiosk::create(**opened, 1920, 1080, 96);
    if (!kiosk) {
        std::fprintf(stderr, "bench: %s\n", kiosk.error().message.c_str());
        std::exit(1);
    }
    std::vector<double> frames;
    for (int i = 0; i < 300; ++i) {
        timespec before{}, after{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &before);
        (*kiosk)->render_frame();
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &after);
        if (i >= 10)
            frames.push_back(double(after.tv_sec - before.tv_sec) * 1e3 + double(after.tv_nsec - before.tv_nsec) / 1e6);
    }
    std::printf("frame_cpu_ms_p50: %.2f ms\n", percentile(frames, 50));
    std::printf("frame_cpu_ms_p99: %.2f ms\n", percentile(frames, 99));
}

}  // namespace

// `station-bench` runs every group; `station-bench signage content` only the groups named
// (window, frames, help, devices, signage, content, admin).
int main(int argc, char** argv) {
    std::vector<std::string> only(argv + 1, argv + argc);
    auto wanted = [&only](const char* group) {
        return only.empty() || std::find(only.begin(), only.end(), group) != only.end();
    };
    station::test::TempDir window_data, frame_data;
    if (wanted("window")) {
        try {
            station::test::VirtualDisplay display(1920, 1080);
            bench_window(display.name(), window_data.path().string());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench: %s\n", e.what());
            return 1;
        }
    }
    if (wanted("frames")) bench_frames(frame_data.path().string());
    if (wanted("help")) bench_help_desk();
    if (wanted("devices")) bench_devices();
    if (wanted("signage")) bench_signage();
    if (wanted("content")) bench_content();
    if (wanted("admin")) bench_admin_console();
    return 0;
}
