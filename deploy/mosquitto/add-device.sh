#!/bin/sh
# Adds a device's login to Mosquitto's password file, or rotates it, from the credentials file that
# `edge devices enroll ID --group G` wrote: the same secret the device uses for the cloud's HTTP API.
#   add-device.sh cam-01.credentials.json [/etc/mosquitto/passwd]
# Then `systemctl reload mosquitto`. The ACL (aclfile) needs nothing per device: its rules follow the username.
set -eu
credentials=${1:?usage: add-device.sh CREDENTIALS.json [PASSWORD_FILE]}
passwd=${2:-/etc/mosquitto/passwd}
id=$(sed -n 's/.*"deviceId" *: *"\([A-Za-z0-9_.-]*\)".*/\1/p' "$credentials")
secret=$(sed -n 's/.*"secret" *: *"\([A-Za-z0-9_-]*\)".*/\1/p' "$credentials")
if [ -z "$id" ] || [ -z "$secret" ]; then
    echo "error: $credentials is not a credentials file written by 'edge devices enroll'" >&2
    exit 2
fi
# aclfile gives the cloud's login (user edge-cloud) every topic: a device by that name would get them too.
if [ "$id" = "edge-cloud" ]; then
    echo "error: device id $id is the cloud's own broker login; enroll the device under another id" >&2
    exit 2
fi
if [ ! -f "$passwd" ]; then
    (umask 077 && : > "$passwd")
fi
# -b puts the secret on mosquitto_passwd's command line for the moment it runs; run this on the broker host only.
mosquitto_passwd -b "$passwd" "$id" "$secret"
echo "added $id to $passwd; reload the broker (systemctl reload mosquitto)"
