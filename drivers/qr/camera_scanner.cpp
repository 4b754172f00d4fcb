// Camera scanning: V4L2 capture (memory-mapped YUYV or GREY) and ZXing-cpp decoding.
#define ZX_USE_UTF8 1  // Result::text() as UTF-8 std::string (DEVICES.md)
#include <ZXing/ReadBarcode.h>

#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "qr/qr_scanner.h"

namespace station::drivers {

Result<std::string> decode_qr_luma(const uint8_t* luma, int width, int height, int row_stride, size_t max_bytes) {
    if (!luma || width <= 0 || height <= 0 || row_stride < width)
        return make_error(ErrorCode::InvalidArgument, "frame", std::to_string(width) + "x" + std::to_string(height),
                          "图像尺寸无效 invalid frame size");
    ZXing::ImageView view(luma, width, height, ZXing::ImageFormat::Lum, row_stride);
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode);
    hints.setTryHarder(true);
    auto result = ZXing::ReadBarcode(view, hints);
    if (!result.isValid()) return make_error(ErrorCode::Format, "frame", "", "画面中没有二维码 no QR code found");
    std::string text = result.text();
    if (auto ok = validate_qr_payload(text, max_bytes); !ok) return ok.error();
    return text;
}

struct V4l2Camera::Impl {
    int fd = -1;
    int width = 0, height = 0, stride = 0;
    uint32_t format = 0;
    struct Buffer {
        void* start = nullptr;
        size_t length = 0;
    };
    std::vector<Buffer> buffers;
    bool streaming = false;

    ~Impl() {
        if (streaming) {
            v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
            ioctl(fd, VIDIOC_STREAMOFF, &type);
        }
        for (auto& b : buffers)
            if (b.start && b.start != MAP_FAILED) munmap(b.start, b.length);
        if (fd >= 0) ::close(fd);
    }
};

V4l2Camera::~V4l2Camera() = default;

namespace {

int xioctl(int fd, unsigned long request, void* arg) {
    int rc;
    do rc = ioctl(fd, request, arg);
    while (rc < 0 && errno == EINTR);
    return rc;
}

Error v4l2_error(const std::string& path, const char* what, int err) {
    bool gone = err == ENODEV || err == ENOENT || err == ENXIO;
    return make_error(gone ? ErrorCode::Unavailable : ErrorCode::Io, "camera", path,
                      std::string(gone ? "摄像头不可用 camera not available: " : "摄像头错误 camera error: ") + what + ": " +
                          std::strerror(err));
}

}  // namespace

Result<std::unique_ptr<V4l2Camera>> V4l2Camera::open(const std::string& path, int width, int height) {
    std::unique_ptr<V4l2Camera> cam(new V4l2Camera());
    cam->impl_ = std::make_unique<Impl>();
    Impl& im = *cam->impl_;
    im.fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (im.fd < 0) return v4l2_error(path, "open", errno);
    v4l2_capability cap{};
    if (xioctl(im.fd, VIDIOC_QUERYCAP, &cap) < 0) return v4l2_error(path, "VIDIOC_QUERYCAP", errno);
    if (!(cap.capabilities & V4L2_CAP_VIDEO_CAPTURE) || !(cap.capabilities & V4L2_CAP_STREAMING))
        return make_error(ErrorCode::Unavailable, "camera", path, "不是视频采集设备 not a streaming capture device");
    v4l2_format fmt{};
    fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fmt.fmt.pix.width = uint32_t(width);
    fmt.fmt.pix.height = uint32_t(height);
    fmt.fmt.pix.field = V4L2_FIELD_NONE;
    fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
    if (xioctl(im.fd, VIDIOC_S_FMT, &fmt) < 0 ||
        (fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV && fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_GREY)) {
        fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_GREY;
        if (xioctl(im.fd, VIDIOC_S_FMT, &fmt) < 0 || fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_GREY)
            return make_error(ErrorCode::Unavailable, "camera", path, "摄像头不支持 YUYV 或 GREY camera offers neither YUYV nor GREY");
    }
    im.width = int(fmt.fmt.pix.width);
    im.height = int(fmt.fmt.pix.height);
    im.format = fmt.fmt.pix.pixelformat;
    im.stride = int(fmt.fmt.pix.bytesperline);
    if (im.stride == 0) im.stride = im.format == V4L2_PIX_FMT_YUYV ? im.width * 2 : im.width;

    v4l2_requestbuffers req{};
    req.count = 4;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(im.fd, VIDIOC_REQBUFS, &req) < 0 || req.count < 2) return v4l2_error(path, "VIDIOC_REQBUFS", errno);
    for (uint32_t i = 0; i < req.count; ++i) {
        v4l2_buffer buf{};
        buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        buf.memory = V4L2_MEMORY_MMAP;
        buf.index = i;
        if (xioctl(im.fd, VIDIOC_QUERYBUF, &buf) < 0) return v4l2_error(path, "VIDIOC_QUERYBUF", errno);
        void* start = mmap(nullptr, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, im.fd, buf.m.offset);
        if (start == MAP_FAILED) return v4l2_error(path, "mmap", errno);
        im.buffers.push_back({start, buf.length});
        if (xioctl(im.fd, VIDIOC_QBUF, &buf) < 0) return v4l2_error(path, "VIDIOC_QBUF", errno);
    }
    v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(im.fd, VIDIOC_STREAMON, &type) < 0) return v4l2_error(path, "VIDIOC_STREAMON", errno);
    im.streaming = true;
    return cam;
}

Result<LumaFrame> V4l2Camera::grab(Millis timeout) {
    Impl& im = *impl_;
    pollfd p{im.fd, POLLIN, 0};
    int rc = ::poll(&p, 1, int(timeout.count()));
    if (rc == 0) return make_error(ErrorCode::Timeout, "camera", std::to_string(timeout.count()) + " ms", "摄像头无画面 no frame");
    if (rc < 0 || (p.revents & (POLLERR | POLLHUP | POLLNVAL)))
        return make_error(ErrorCode::Unplugged, "camera", "poll", "摄像头已断开 camera disconnected");
    v4l2_buffer buf{};
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    if (xioctl(im.fd, VIDIOC_DQBUF, &buf) < 0) {
        int err = errno;
        if (err == EAGAIN) return make_error(ErrorCode::Timeout, "camera", "DQBUF", "摄像头无画面 no frame");
        return make_error(err == ENODEV ? ErrorCode::Unplugged : ErrorCode::Io, "camera", "VIDIOC_DQBUF", std::strerror(err));
    }
    LumaFrame frame;
    frame.width = im.width;
    frame.height = im.height;
    frame.luma.resize(size_t(im.width) * size_t(im.height));
    const auto* src = static_cast<const uint8_t*>(im.buffers[buf.index].start);
    size_t need = size_t(im.stride) * size_t(im.height);
    if (buf.bytesused >= need || buf.bytesused == 0) {
        for (int y = 0; y < im.height; ++y) {
            const uint8_t* row = src + size_t(y) * size_t(im.stride);
            uint8_t* out = frame.luma.data() + size_t(y) * size_t(im.width);
            if (im.format == V4L2_PIX_FMT_YUYV)
                for (int x = 0; x < im.width; ++x) out[x] = row[2 * x];  // Y of Y0 U Y1 V
            else
                std::memcpy(out, row, size_t(im.width));
        }
    }
    xioctl(im.fd, VIDIOC_QBUF, &buf);
    if (buf.bytesused != 0 && buf.bytesused < need)
        return make_error(ErrorCode::Format, "camera", std::to_string(buf.bytesused) + " bytes", "画面不完整 short frame");
    return frame;
}

CameraQrScanner::CameraQrScanner(std::unique_ptr<V4l2Camera> camera, Millis repeat_gap, Clock& clock, size_t max_bytes)
    : camera_(std::move(camera)), repeat_gap_(repeat_gap), clock_(clock), max_bytes_(max_bytes) {
    health_.set(HealthState::Ok);
}

Result<std::string> CameraQrScanner::next_scan(Millis timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (left <= Millis(0)) return make_error(ErrorCode::Timeout, "qr", std::to_string(timeout.count()) + " ms", "没有扫码 no scan");
        auto frame = camera_->grab(left);
        if (!frame) {
            if (frame.error().code == ErrorCode::Timeout) continue;
            if (frame.error().code == ErrorCode::Unplugged) health_.set(HealthState::Offline, "摄像头已断开 camera disconnected");
            else health_.set(HealthState::Degraded, frame.error().message);
            return frame.error();
        }
        health_.set(HealthState::Ok);
        auto text = decode_qr_luma(frame->luma.data(), frame->width, frame->height, frame->width, max_bytes_);
        if (!text) {
            if (text.error().field == "frame") continue;  // nothing in view this frame
            return text.error();
        }
        auto now = clock_.now();
        if (*text == last_payload_ && now - last_time_ < repeat_gap_) {
            last_time_ = now;  // still in view: keep suppressing
            continue;
        }
        last_payload_ = *text;
        last_time_ = now;
        return text;
    }
}

DeviceHealth CameraQrScanner::health() const { return health_.get(); }

}  // namespace station::drivers
