// Signage figures (issue 5):
//
//   video_cpu_ratio_vs_cvlc      the same generated 1080p H.264 clip (25 fps) under the same Xvfb:
//                                CPU per second of the kiosk showing it full screen (`--screen
//                                signage`, its only item) over 8 s, divided by CPU per second of
//                                `cvlc --play-and-exit --vout=xcb_x11` showing it once; measured in
//                                one run. xcb_x11 is VLC's cheapest way to show video on an X server
//                                without a GPU (its swscale converts straight into a shared-memory
//                                image); VLC's default, OpenGL, runs on llvmpipe here at ~2.5x the
//                                CPU, which would flatter the kiosk. Without vlc-plugin-video-output
//                                cvlc only decodes ("video output creation failed"): no figure then.
//   signage_frame_ms_p99         CPU time per signage frame at 1920x1080 offscreen (software
//                                renderer) while the clip plays: frame upload (none when libvlc
//                                wrote the frame into the texture itself), zones, ImGui
//   rss_growth_mb_per_100_loops  the player looping two clips through both decks: RSS after 100
//                                more items than after a 10-item warm-up
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "content/crypto.h"
#include "content/package.h"
#include "content/player.h"
#include "kiosk/core/catalogue.h"
#include "kiosk/core/station.h"
#include "kiosk/ui/kiosk_ui.h"
#include "kiosk/ui/offscreen.h"
#include "kiosk/ui/signage_view.h"
#include "process.h"
#include "temp_dir.h"

using namespace std::chrono_literals;

namespace {

double percentile_of(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    size_t index = std::min(values.size() - 1, size_t(p / 100.0 * double(values.size())));
    return values[index];
}

double cpu_seconds_of(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14) utime = std::stod(field);
        if (i == 15) {
            stime = std::stod(field);
            break;
        }
    }
    return (utime + stime) / double(sysconf(_SC_CLK_TCK));
}

double rss_mb() {
    std::ifstream statm("/proc/self/statm");
    long total = 0, resident = 0;
    statm >> total >> resident;
    return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

bool make_clip(const std::filesystem::path& out, const std::string& size, double seconds) {
    auto r = station::test::run_process(
        {"ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=25",
         "-t", std::to_string(seconds), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
         out.string()},
        {}, 120s);
    return r.exit_code == 0;
}

// A content folder whose only item is `clip`, full screen.
void write_single_clip_folder(const std::filesystem::path& dir, const std::filesystem::path& clip) {
    std::filesystem::create_directories(dir / "media");
    std::filesystem::copy_file(clip, dir / "media/clip.mp4",
                               std::filesystem::copy_options::overwrite_existing);
    std::ofstream(dir / "content.toml") << R"([package]
version = 1
[[items]]
id = "clip"
kind = "video"
file = "media/clip.mp4"
[[playlists]]
id = "main"
items = ["clip"]
[[layouts]]
id = "full"
width = 1920
height = 1080
[[layouts.zones]]
id = "main"
kind = "media"
x = 0
y = 0
width = 1920
height = 1080
[[schedules]]
id = "always"
layout = "full"
zones = { main = "main" }
)";
}

std::unique_ptr<station::Station> open_with_content(const std::filesystem::path& data,
                                                    const std::filesystem::path& folder) {
    station::StationOptions options;
    options.data_dir = data;
    auto opened = station::Station::open(options);
    if (!opened) throw std::runtime_error(opened.error().message);
    auto keys = station::content::generate_key_pair("bench");
    station::content::PackOptions pack;
    pack.probe_media = false;
    auto packed = station::content::pack_folder(folder, keys.secret, data / "bench.spkg", pack);
    if (!packed) throw std::runtime_error(packed.error().message);
    auto imported = (*opened)->content().import_package(data / "bench.spkg", {{keys.public_key}});
    if (!imported) throw std::runtime_error(imported.error().message);
    return std::move(opened.value());
}

void bench_cpu_ratio(const std::filesystem::path& clip, const std::filesystem::path& folder,
                     const std::filesystem::path& data) {
    // cvlc may run as nobody (below): it must read the clip.
    std::filesystem::permissions(clip.parent_path(),
                                 std::filesystem::perms::others_read | std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
    std::filesystem::permissions(clip, std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    open_with_content(data, folder).reset();  // content active in DATA/content; the kiosk plays it
    station::test::VirtualDisplay display(1920, 1080);
    station::test::EnvChanges env{{"DISPLAY", display.name()}, {"SDL_VIDEODRIVER", std::nullopt}};

    station::test::ChildProcess kiosk(
        {station::test::bin_path("station-kiosk"), "--windowed", "1920x1080", "--data", data.string(),
         "--api", "127.0.0.1:0", "--screen", "signage"},
        env);
    if (!kiosk.wait_for_stderr("first frame presented", 30s))
        throw std::runtime_error("the kiosk did not start");
    std::this_thread::sleep_for(2s);
    double cpu_before = cpu_seconds_of(kiosk.pid());
    auto wall_before = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(8s);
    double kiosk_cpu = cpu_seconds_of(kiosk.pid()) - cpu_before;
    double kiosk_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
    kiosk.stop(SIGTERM);
    std::fprintf(stderr, "bench: kiosk showing the 1080p clip: %.2f CPU s in %.1f s\n", kiosk_cpu,
                 kiosk_wall);

    // cvlc as a child; its CPU from wait4's rusage, its messages in a file (it says when it shows
    // nothing).
    std::filesystem::path cvlc_log = data / "cvlc.log";
    auto wall_start = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        setenv("DISPLAY", display.name().c_str(), 1);
        int null = open("/dev/null", O_RDWR);
        int log = open(cvlc_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
        // VLC refuses to run as root ("VLC is not supposed to be run as root"): play as nobody.
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(126);
        dup2(null, 1);
        dup2(log >= 0 ? log : null, 2);
        execlp("cvlc", "cvlc", "--play-and-exit", "--no-audio", "--no-video-title-show", "--vout=xcb_x11",
               clip.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    double cvlc_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    double cvlc_cpu = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                      double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || cvlc_cpu <= 0) {
        std::fprintf(
            stderr, "bench: cvlc did not play the clip (install vlc-bin); video_cpu_ratio_vs_cvlc skipped\n");
        return;
    }
    std::ifstream log_in(cvlc_log);
    std::string messages((std::istreambuf_iterator<char>(log_in)), std::istreambuf_iterator<char>());
    if (messages.find("video output creation failed") != std::string::npos) {
        std::fprintf(stderr,
                     "bench: cvlc decoded the clip but could not show it (install vlc-plugin-video-output); "
                     "video_cpu_ratio_vs_cvlc skipped\n");
        return;
    }
    double ratio = (kiosk_cpu / kiosk_wall) / (cvlc_cpu / cvlc_wall);
    std::printf("video_cpu_ratio_vs_cvlc: %.2f ratio\n", ratio);
    std::fprintf(stderr, "bench: kiosk %.2f CPU s in %.1f s; cvlc %.2f CPU s in %.1f s\n", kiosk_cpu,
                 kiosk_wall, cvlc_cpu, cvlc_wall);
    std::fflush(stdout);
}

void bench_signage_frames(const std::filesystem::path& folder, const std::filesystem::path& data) {
    auto catalogue = station::Catalogue::embedded("zh-CN");
    station::set_active_catalogue(*catalogue);
    auto station = open_with_content(data, folder);
    auto kiosk = station::ui::OffscreenKiosk::create(*station, 1920, 1080, 96);
    if (!kiosk) throw std::runtime_error(kiosk.error().message);
    (*kiosk)->show("signage");
    std::vector<double> frames;
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (frames.size() < 200 && std::chrono::steady_clock::now() < deadline) {
        (*kiosk)->settle();
        timespec before{}, after{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &before);
        (*kiosk)->render_frame();
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &after);
        frames.push_back(double(after.tv_sec - before.tv_sec) * 1e3 +
                         double(after.tv_nsec - before.tv_nsec) / 1e6);
        std::this_thread::sleep_for(40ms);  // a 25 fps clip: about one new frame each time
    }
    frames.erase(frames.begin(), frames.begin() + std::min<size_t>(10, frames.size()));
    std::printf("signage_frame_ms_p99: %.2f ms\n", percentile_of(frames, 99));
    std::fflush(stdout);
    if (const auto* video = (*kiosk)->ui().signage().video_texture())
        std::fprintf(stderr, "bench: signage frames written in place by libvlc %llu, copied by the UI %llu\n",
                     static_cast<unsigned long long>(video->frames_in_place()),
                     static_cast<unsigned long long>(video->frames_copied()));
}

void bench_player_growth(const std::filesystem::path& dir) {
    if (!make_clip(dir / "a.mp4", "640x360", 0.2) || !make_clip(dir / "b.mp4", "480x270", 0.2)) return;
    station::content::VideoPlayer player({});
    auto play_one = [&](int i) {
        std::string item = std::to_string(i);
        player.play(item, dir / (i % 2 ? "b.mp4" : "a.mp4"));
        player.preroll(std::to_string(i + 1), dir / (i % 2 ? "a.mp4" : "b.mp4"));
        auto deadline = std::chrono::steady_clock::now() + 20s;
        while (std::chrono::steady_clock::now() < deadline) {
            player.take_frame([](const station::content::VideoFrame&) {});
            for (const auto& event : player.take_events())
                if (event.item == item && event.kind != station::content::PlayerEventKind::started) return;
            std::this_thread::sleep_for(5ms);
        }
    };
    for (int i = 0; i < 10; ++i) play_one(i);
    double baseline = rss_mb();
    for (int i = 10; i < 110; ++i) play_one(i);
    std::printf("rss_growth_mb_per_100_loops: %.2f MB\n", rss_mb() - baseline);
    std::fflush(stdout);
}

}  // namespace

void bench_signage() {
    try {
        station::test::TempDir dir;
        if (!make_clip(dir / "clip1080.mp4", "1920x1080", 10)) {
            std::fprintf(stderr, "bench: ffmpeg cannot make the 1080p clip; signage figures skipped\n");
            return;
        }
        write_single_clip_folder(dir / "folder", dir / "clip1080.mp4");
        std::filesystem::create_directories(dir / "window-data");
        std::filesystem::create_directories(dir / "frame-data");
        bench_cpu_ratio(dir / "clip1080.mp4", dir / "folder", dir / "window-data");
        bench_signage_frames(dir / "folder", dir / "frame-data");
        bench_player_growth(dir.path());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench: signage: %s\n", e.what());
    }
}
