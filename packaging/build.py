"""Build the desktop app and its packages into dist/.

    python packaging/build.py            # icons, the PyInstaller bundle, and (Linux) the .deb
    python packaging/build.py --no-deb   # the bundle only
    python packaging/build.py --deb-only # the .deb from an existing dist/storyboard-studio
    python packaging/build.py --smoke    # then run the bundle's smoke test (no Python on PATH)

Needs the app's dependencies and PyInstaller (`pip install -e '.[package]'`), and dpkg-deb for
the .deb. Writes build/ (scratch) and dist/: storyboard-studio/ (the one-folder bundle with its
`storyboard-studio` executable) and storyboard-studio_<version>_<arch>.deb.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
BUILD = ROOT / "build"
DIST = ROOT / "dist"
APP_ID = "io.github.storyboard_studio"
NAME = "storyboard-studio"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Qt's xcb platform plugin needs these on a desktop (the README lists the same set)
DEB_DEPENDS = (
    "libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-render-util0, libxcb-xinerama0, "
    "libxcb-xkb1, libxkbcommon-x11-0, libxcb-cursor0, libxcb-shape0, libegl1, libgl1, "
    "libfontconfig1, libdbus-1-3"
)


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from studio import __version__

    return __version__


def icons() -> Path:
    """PNG sizes from the SVG (rendered by Qt), plus .ico and .icns for Windows and macOS."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - Qt needs one
    svg = PACKAGING / "icons" / f"{APP_ID}.svg"
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    out = BUILD / "icons"
    shutil.rmtree(out, ignore_errors=True)
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format_ARGB32)
        image.fill(Qt.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target)):
            raise SystemExit(f"could not write {target}")
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True)
    shutil.copy2(svg, scalable)
    big = Image.open(out / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png")
    big.save(out / f"{NAME}.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    Image.open(out / "hicolor" / "512x512" / "apps" / f"{APP_ID}.png").save(out / f"{NAME}.icns")
    return out


def bundle() -> Path:
    """The PyInstaller one-folder build: dist/storyboard-studio/storyboard-studio."""
    spec = PACKAGING / f"{NAME}.spec"
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level=WARN"]
    cmd += ["--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"), str(spec)]
    subprocess.run(cmd, check=True, cwd=ROOT)
    folder = DIST / NAME
    exe = folder / (f"{NAME}.exe" if sys.platform == "win32" else NAME)
    if not exe.is_file() and sys.platform != "darwin":
        raise SystemExit(f"PyInstaller did not make {exe}")
    print(f"bundle: {folder} ({folder_size(folder) / 2**20:.0f} MiB)")
    return folder


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def deb(folder: Path) -> Path:
    """A .deb installing the bundle to /opt/storyboard-studio, with /usr/bin/storyboard-studio."""
    ver = version()
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    root = BUILD / "deb" / "root"
    shutil.rmtree(root.parent, ignore_errors=True)
    opt = root / "opt" / NAME
    shutil.copytree(folder, opt, symlinks=True)
    share = root / "usr" / "share"
    launcher = root / "usr" / "bin" / NAME
    launcher.parent.mkdir(parents=True)
    launcher.write_text(f'#!/bin/sh\nexec /opt/{NAME}/{NAME} "$@"\n')
    launcher.chmod(0o755)
    for src, dest in (
        (PACKAGING / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop"),
        (PACKAGING / f"{APP_ID}.metainfo.xml", share / "metainfo" / f"{APP_ID}.metainfo.xml"),
        (PACKAGING / f"{APP_ID}.mime.xml", share / "mime" / "packages" / f"{APP_ID}.xml"),
    ):
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    icon_dir = BUILD / "icons" / "hicolor"
    if not icon_dir.is_dir():
        icons()
    shutil.copytree(icon_dir, share / "icons" / "hicolor")
    control = root / "DEBIAN"
    control.mkdir()
    size_kib = folder_size(root) // 1024
    (control / "control").write_text(
        f"Package: {NAME}\nVersion: {ver}\nArchitecture: {arch}\n"
        "Maintainer: The Storyboard Studio contributors <noreply@storyboard-studio.invalid>\n"
        f"Installed-Size: {size_kib}\nDepends: {DEB_DEPENDS}\n"
        "Recommends: python3 (>= 3.11), python3-venv\n"
        "Section: video\nPriority: optional\n"
        "Homepage: https://github.com/storyboard-studio/storyboard-studio\n"
        "Description: storyboards to AI-generated short films, on your own machine\n"
        " A desktop editor for short AI-generated films: storyboard, local video-diffusion\n"
        " generation (GPU engine set up from the app), timeline, watermarked MP4 export.\n"
        " python3 is only needed to set up the GPU engine.\n"
    )
    hooks = (
        "#!/bin/sh\nset -e\n"
        "command -v update-mime-database >/dev/null && update-mime-database /usr/share/mime || true\n"
        "command -v update-desktop-database >/dev/null && update-desktop-database -q "
        "/usr/share/applications || true\n"
        "command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t -f "
        "/usr/share/icons/hicolor || true\n"
    )
    for hook in ("postinst", "postrm"):
        (control / hook).write_text(hooks)
        (control / hook).chmod(0o755)
    out = DIST / f"{NAME}_{ver}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(out)], check=True
    )
    print(f"deb: {out} ({out.stat().st_size / 2**20:.0f} MiB)")
    return out


def smoke(folder: Path) -> None:
    """Run the bundle as on a machine with no Python: a clean environment, nothing of ours."""
    exe = folder / NAME
    with tempfile.TemporaryDirectory() as tmp:
        env = {"PATH": "/usr/bin:/bin", "HOME": tmp, "QT_QPA_PLATFORM": "offscreen"}
        example = folder / "_internal" / "studio" / "resources" / "examples" / "morning-run.toml"
        steps = [
            [str(exe), "--version"],
            [str(exe), "render", str(example), "-o", f"{tmp}/morning-run.mp4"],
            [str(exe), "verify", f"{tmp}/morning-run.mp4"],
            [str(exe), "engine", "status"],
            [str(exe), "gui", "--screenshot", f"{tmp}/window.png"],
        ]
        for cmd in steps:
            print("smoke: " + " ".join(cmd[1:]), flush=True)
            subprocess.run(cmd, check=True, env=env, cwd=tmp, timeout=600)
        for name in ("morning-run.mp4", "window.png"):
            size = Path(tmp, name).stat().st_size
            if size < 1000:
                raise SystemExit(f"smoke: {name} is only {size} bytes")
            print(f"smoke: {name} {size} bytes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-deb", action="store_true", help="skip the .deb")
    parser.add_argument("--deb-only", action="store_true", help="package an existing bundle")
    parser.add_argument("--smoke", action="store_true", help="run the bundle's smoke test")
    args = parser.parse_args()
    folder = DIST / NAME
    if not args.deb_only:
        icons()
        folder = bundle()
    if sys.platform.startswith("linux") and not args.no_deb:
        deb(folder)
    if args.smoke and sys.platform.startswith("linux"):
        smoke(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
