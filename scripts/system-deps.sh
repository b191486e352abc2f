#!/usr/bin/env bash
# Debian packages the tests and PDF output use: LibreOffice (rendering), poppler (pdftotext,
# pdffonts, pdftoppm) and the Noto CJK fonts. Installs only what is missing.
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc libreoffice-writer)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# (no grep -q: it would close the pipe early, and pipefail would count fc-list's SIGPIPE as a miss)
fc-list 2>/dev/null | grep "NotoSerifCJK" >/dev/null || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "缺少系统软件包：${need[*]}；请以 root 身份运行：apt-get install ${need[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${need[@]}" fontconfig
