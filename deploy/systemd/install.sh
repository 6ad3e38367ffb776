#!/usr/bin/env bash
# One-step install of the Edge agent as a systemd service.
#   sudo deploy/systemd/install.sh PUBLISH_DIR
# PUBLISH_DIR: the output of
#   dotnet publish src/Agent -c Release -r linux-arm64 --self-contained -p:PublishReadyToRun=true -o PUBLISH_DIR
# Creates the edge-agent system user (in the gpio and video groups when they exist), copies PUBLISH_DIR to
# /opt/edge-agent, installs /etc/edge-agent/agent.env from the example unless one exists, installs, enables
# and (re)starts edge-agent.service. Re-running it upgrades in place.
set -euo pipefail

publish="${1:?usage: install.sh PUBLISH_DIR (dotnet publish output containing Edge.Agent)}"
here="$(cd "$(dirname "$0")" && pwd)"
prefix=/opt/edge-agent
[[ -x "$publish/Edge.Agent" ]] || { echo "install.sh: $publish/Edge.Agent not found or not executable; publish the agent first" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "install.sh: run as root (sudo)" >&2; exit 2; }

if ! id -u edge-agent >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/edge-agent --no-create-home --shell /usr/sbin/nologin edge-agent
fi
for group in gpio video; do
    if getent group "$group" >/dev/null; then usermod -a -G "$group" edge-agent; fi
done
# Boards without a gpio group (Jetson, plain Debian): create it and hand it the GPIO character devices.
if ! getent group gpio >/dev/null; then
    groupadd --system gpio
    usermod -a -G gpio edge-agent
    echo 'SUBSYSTEM=="gpio", KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"' >/etc/udev/rules.d/60-edge-agent-gpio.rules
    udevadm control --reload-rules && udevadm trigger --subsystem-match=gpio || true
fi

systemctl stop edge-agent.service 2>/dev/null || true
install -d -m 0755 "$prefix"
# Replace, not merge: a file removed from a release must not linger.
rm -rf "$prefix.new" && cp -a "$publish" "$prefix.new" && rm -rf "$prefix" && mv "$prefix.new" "$prefix"
chown -R root:root "$prefix" && chmod 0755 "$prefix/Edge.Agent"

install -d -m 0750 -o root -g edge-agent /etc/edge-agent
if [[ ! -f /etc/edge-agent/agent.env ]]; then
    install -m 0640 -o root -g edge-agent "$here/agent.env.example" /etc/edge-agent/agent.env
    echo "installed /etc/edge-agent/agent.env from the example: set Agent__DeviceId and the cloud address"
fi

install -m 0644 "$here/edge-agent.service" /etc/systemd/system/edge-agent.service
systemctl daemon-reload
systemctl enable edge-agent.service
systemctl restart edge-agent.service
echo "edge-agent installed; follow it with: journalctl -u edge-agent -f"
