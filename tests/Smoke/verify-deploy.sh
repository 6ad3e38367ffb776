#!/usr/bin/env bash
# Checks what can be checked of deploy/ without systemd running or a Docker engine:
#   systemd unit: systemd-analyze verify (unknown keys and bad values fail it, as warnings do here);
#   balena: YAML parses, every path the Dockerfile copies exists, install.sh is valid bash.
set -euo pipefail
cd "$(dirname "$0")/../.."

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
# verify insists that ExecStart exists; check a copy whose ExecStart points at a stub.
install -m 0755 /bin/true "$work/Edge.Agent"
sed "s#^ExecStart=/opt/edge-agent/Edge.Agent#ExecStart=$work/Edge.Agent#" deploy/systemd/edge-agent.service >"$work/edge-agent.service"
grep -q "^ExecStart=$work/Edge.Agent" "$work/edge-agent.service" || { echo "FAIL: unit has no ExecStart=/opt/edge-agent/Edge.Agent" >&2; exit 1; }
out="$(systemd-analyze verify "$work/edge-agent.service" 2>&1)" || { echo "$out" >&2; echo "FAIL: systemd-analyze verify" >&2; exit 1; }
if [[ -n "$out" ]]; then echo "$out" >&2; echo "FAIL: systemd-analyze verify warned" >&2; exit 1; fi
for key in Type=notify WatchdogSec= Restart=always StateDirectory=edge-agent ProtectSystem=strict NoNewPrivileges=true PrivateTmp=true SupplementaryGroups= EnvironmentFile=/etc/edge-agent/agent.env; do
    grep -q "^$key" deploy/systemd/edge-agent.service || { echo "FAIL: unit lacks $key" >&2; exit 1; }
done
bash -n deploy/systemd/install.sh
echo "ok: systemd unit verified"

python3 - <<'PY'
import sys, yaml, pathlib
root = pathlib.Path('.')
compose = yaml.safe_load(open('deploy/balena/docker-compose.yml'))
balena = yaml.safe_load(open('deploy/balena/balena.yml'))
svc = compose['services']['agent']
build = svc['build']
context = (pathlib.Path('deploy/balena') / build['context']).resolve()
dockerfile = context / build['dockerfile']
assert dockerfile.is_file(), f'{dockerfile} missing'
for line in dockerfile.read_text().splitlines():
    parts = line.split()
    if parts[:1] == ['COPY'] and not any(p.startswith('--from') for p in parts):
        for src in parts[1:-1]:
            assert (context / src).exists(), f'Dockerfile copies {src}, which does not exist under {context}'
env = svc.get('environment', {})
assert all('__' in k or k.startswith(('DOTNET_', 'UDEV')) for k in env), f'environment keys must be config paths with __: {list(env)}'
assert balena['data']['defaultDeviceType'], 'balena.yml: defaultDeviceType'
print('ok: balena files parse; Dockerfile COPY sources exist')
PY
