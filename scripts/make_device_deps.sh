#!/usr/bin/env bash
# Packs what the GPU check (scripts/device_check.sh) needs and a bare CUDA machine lacks into
# .devdeps/deps.tar.xz: a static OpenCV (core, imgproc, imgcodecs with PNG only) built here from
# Debian's source package, the header-only libraries with their CMake configs, Gloo's headers (pip's
# PyTorch ships c10d's but not Gloo's, which c10d's Gloo group includes), static zlib, and the
# offline data sets. Run on the Debian 12 development machine after scripts/setup.sh; takes about
# 6 minutes the first time (OpenCV), seconds after. .devdeps/ is not committed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${INVARIANCES_DEVDEPS_WORK:-/tmp/invariances-devdeps}
data=${INVARIANCES_DATA:-$HOME/.local/share/invariances}
mkdir -p "$work" .devdeps

if [ ! -f "$work/opencv-install/lib/libopencv_core.a" ]; then
  src="$work/src"
  mkdir -p "$src/lists/partial"
  # apt reads Dir::Etc::sourcelist in the one-line format whatever the file's name (the deb822
  # "Types:" form is read only from *.sources files in a parts folder).
  printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main\n' \
    > "$src/sources.list"
  apt_options="-o Dir::Etc::sourcelist=$src/sources.list -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$src/lists"
  apt-get $apt_options update
  (cd "$src" && apt-get $apt_options source --download-only opencv && tar xf opencv_*.orig.tar.xz)
  cmake -S "$src"/opencv-4.* -B "$work/opencv-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$work/opencv-install" -DBUILD_LIST=core,imgproc,imgcodecs,videoio -DBUILD_SHARED_LIBS=OFF \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DWITH_PNG=ON -DBUILD_PNG=OFF \
    -DPNG_LIBRARY=/usr/lib/x86_64-linux-gnu/libpng16.a -DPNG_PNG_INCLUDE_DIR=/usr/include/libpng16 \
    -DZLIB_LIBRARY=/usr/lib/x86_64-linux-gnu/libz.a -DBUILD_ZLIB=OFF -DWITH_JPEG=OFF -DWITH_TIFF=OFF \
    -DWITH_WEBP=OFF -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF -DWITH_OPENEXR=OFF -DWITH_IMGCODEC_HDR=OFF \
    -DWITH_IMGCODEC_SUNRASTER=OFF -DWITH_IMGCODEC_PXM=OFF -DWITH_IMGCODEC_PFM=OFF -DWITH_GDAL=OFF -DWITH_GDCM=OFF \
    -DWITH_TBB=OFF -DWITH_IPP=OFF -DWITH_ITT=OFF -DWITH_OPENCL=OFF -DWITH_LAPACK=OFF -DWITH_EIGEN=OFF \
    -DWITH_OPENMP=OFF -DWITH_VA=OFF -DWITH_GTK=OFF -DWITH_QT=OFF -DWITH_CUDA=OFF -DWITH_PROTOBUF=OFF \
    -DWITH_FFMPEG=OFF -DWITH_GSTREAMER=OFF -DWITH_V4L=OFF -DWITH_1394=OFF -DWITH_OPENVX=OFF -DWITH_QUIRC=OFF \
    -DWITH_ADE=OFF -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_opencv_apps=OFF \
    -DBUILD_JAVA=OFF -DBUILD_opencv_python3=OFF -DBUILD_DOCS=OFF -DCPU_DISPATCH= -DCPU_BASELINE=SSE3
  ninja -C "$work/opencv-build" install
fi

pack="$work/pack"
rm -rf "$pack" && mkdir -p "$pack/prefix/include" "$pack/prefix/share/cmake" "$pack/prefix/lib/cmake" "$pack/data"
cp -r "$work/opencv-install" "$pack/opencv"
rm -rf "$pack/opencv/share/opencv4" "$pack/opencv/bin"
# The static OpenCV names Debian's static zlib and libpng by absolute path: ship them beside it.
cp /usr/lib/x86_64-linux-gnu/libz.a /usr/lib/x86_64-linux-gnu/libpng16.a "$pack/opencv/lib/"
sed -i 's|/usr/lib/x86_64-linux-gnu/|${_IMPORT_PREFIX}/lib/|g' "$pack/opencv/lib/cmake/opencv4/OpenCVModules.cmake"
cp -r /usr/include/nlohmann /usr/include/CLI /usr/include/doctest /usr/include/gloo /usr/include/zlib.h /usr/include/zconf.h \
  "$pack/prefix/include/"
cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 "$pack/prefix/share/cmake/"
cp -r /usr/lib/cmake/doctest "$pack/prefix/lib/cmake/"
cp /usr/lib/x86_64-linux-gnu/libz.a "$pack/prefix/lib/"
cp -r "$data/mnist-digits" "$data/fashion-mnist" "$pack/data/"
tar cJf .devdeps/deps.tar.xz -C "$pack" .
grep -qx '/.devdeps/' .git/info/exclude 2>/dev/null || echo '/.devdeps/' >> .git/info/exclude
ls -la .devdeps/deps.tar.xz
