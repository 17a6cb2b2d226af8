"""`breathcast shortcut`: an "Ademstudio" launcher she double-clicks, which starts the studio on
her project and opens her browser. One small file per system, made with the standard library:
a `.desktop` entry on Linux, a `.command` (and an app in ~/Applications) on macOS, a `.bat`
with shortcuts on the desktop and in the Start menu on Windows.

Each runs this very Python (`python -m breathcast`), so it works whether or not the folder
`uv tool` or `pipx` put `breathcast` in is on her PATH; paths with spaces (`C:\\Users\\Anne de
Vries`) are quoted as each system wants. pyshortcuts was weighed and left: it splits the
command at its first space and adds pywin32 on Windows."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from breathcast.core import PROJECT_NAME, Said, atomic_write, config_folder


@dataclass(frozen=True)
class Launchers:
    """The launcher files made, and the command each runs."""

    paths: tuple[Path, ...]
    command: tuple[str, ...]

    @property
    def said(self) -> Said:
        where = "\n".join(f"  {path}" for path in self.paths)
        return Said(
            f'made the launcher "{PROJECT_NAME}"; double-click it to open the studio:\n{where}',
            f'De snelkoppeling "{PROJECT_NAME}" staat klaar; dubbelklik erop om de studio te '
            f"openen:\n{where}",
        )


def studio_command(project: Path) -> tuple[str, ...]:
    """The command a launcher runs: the studio on `project`, in her browser."""
    return (sys.executable, "-m", "breathcast", "--project", str(project), "studio")


def make_launchers(project: Path, system: str | None = None) -> Launchers:
    """Put the launcher where her system shows programs: desktop, and menu or Applications."""
    system = system or platform.system()
    command = studio_command(Path(project).resolve())
    makers = {"Linux": _linux, "Darwin": _macos, "Windows": _windows}
    make = makers.get(system, _linux)  # other Unixes: the freedesktop.org way
    return Launchers(tuple(make(command)), command)


def _desktop() -> Path | None:
    from platformdirs import user_desktop_dir

    folder = Path(user_desktop_dir())
    return folder if folder.is_dir() else None


def _icon() -> str:
    return str(resources.files("breathcast") / "studio" / "static" / "icon.svg")


# Linux: a desktop entry (freedesktop.org), in the menu and on the desktop.


def desktop_quote(arg: str) -> str:
    """One argument of an Exec line: quoted when it must be, with the spec's escapes
    (`"`, `` ` ``, `$`, `\\` inside quotes), then the string escape of `\\`, and `%` as `%%`."""
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        quoted = arg
    else:
        quoted = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
    return quoted.replace("\\", "\\\\").replace("%", "%%")


def desktop_entry(command: tuple[str, ...]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={PROJECT_NAME}\n"
        "Comment=Schrijf, beluister en publiceer je oefeningen\n"
        f"Exec={' '.join(desktop_quote(arg) for arg in command)}\n"
        f"Icon={_icon()}\n"
        "Terminal=true\n"  # the window that keeps the studio running; closing it stops it
        "Categories=AudioVideo;Audio;\n"
    )


def _linux(command: tuple[str, ...]) -> list[Path]:
    from platformdirs import user_data_dir

    text = desktop_entry(command).encode("utf-8")
    made = [Path(user_data_dir()) / "applications" / "ademstudio.desktop"]
    desktop = _desktop()
    if desktop:
        made.append(desktop / f"{PROJECT_NAME}.desktop")
    for path in made:
        atomic_write(path, text)
        path.chmod(0o755)
    if desktop and shutil.which("gio"):  # GNOME starts a desktop file only once trusted
        subprocess.run(
            ["gio", "set", str(made[-1]), "metadata::trusted", "true"],
            capture_output=True,
            check=False,
        )
    return made


# macOS: a .command file opens in Terminal; an app in ~/Applications opens that file.


def _sh_quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def command_file(command: tuple[str, ...]) -> str:
    return "#!/bin/sh\n" + " ".join(_sh_quote(arg) for arg in command) + "\n"


def _macos(command: tuple[str, ...]) -> list[Path]:
    script = command_file(command).encode("utf-8")
    real = config_folder() / f"{PROJECT_NAME}.command"
    made = [real]
    desktop = _desktop()
    if desktop:
        made.append(desktop / f"{PROJECT_NAME}.command")
    for path in made:
        atomic_write(path, script)
        path.chmod(0o755)
    app = Path.home() / "Applications" / f"{PROJECT_NAME}.app" / "Contents"
    opener = app / "MacOS" / PROJECT_NAME
    atomic_write(opener, f"#!/bin/sh\nexec open -a Terminal {_sh_quote(str(real))}\n".encode())
    opener.chmod(0o755)
    atomic_write(app / "Info.plist", _info_plist().encode("utf-8"))
    return [app.parent, *made[1:]]


def _info_plist() -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleName</key><string>{PROJECT_NAME}</string>
  <key>CFBundleExecutable</key><string>{PROJECT_NAME}</string>
  <key>CFBundleIdentifier</key><string>nl.breathcast.ademstudio</string>
  <key>CFBundlePackageType</key><string>APPL</string>
</dict>
</plist>
"""


# Windows: a .bat (a console window keeps the studio running), with .lnk shortcuts to it.


def batch_file(command: tuple[str, ...]) -> str:
    """cmd reads the lines after `chcp 65001` as UTF-8; `%` doubled, every argument quoted."""
    line = " ".join('"' + arg.replace("%", "%%") + '"' for arg in command)
    return f"@echo off\r\nchcp 65001 >nul\r\n{line}\r\npause\r\n"


_LNK = (
    "$s = (New-Object -ComObject WScript.Shell).CreateShortcut($env:BC_LINK); "
    "$s.TargetPath = $env:BC_TARGET; $s.WorkingDirectory = $env:BC_HOME; "
    "$s.Description = 'Ademstudio'; $s.Save()"
)


def _windows(command: tuple[str, ...]) -> list[Path]:
    batch = config_folder() / f"{PROJECT_NAME}.bat"
    atomic_write(batch, batch_file(command).encode("utf-8"))
    appdata = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    menu = appdata / "Microsoft" / "Windows" / "Start Menu" / "Programs"
    folders = [f for f in (_desktop(), menu) if f]
    made = []
    for folder in folders:
        link = folder / f"{PROJECT_NAME}.lnk"
        env = {**os.environ, "BC_LINK": str(link), "BC_TARGET": str(batch),
               "BC_HOME": str(Path.home())}  # fmt: skip
        try:
            subprocess.run(
                ["powershell", "-NoProfile", "-NonInteractive", "-Command", _LNK],
                env=env, capture_output=True, check=True, timeout=60,
            )  # fmt: skip
            made.append(link)
        except (OSError, subprocess.SubprocessError):
            copy = folder / f"{PROJECT_NAME}.bat"  # no PowerShell: the batch file itself
            atomic_write(copy, batch.read_bytes())
            made.append(copy)
    return made or [batch]
