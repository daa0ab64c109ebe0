#!/usr/bin/env bash
# Generates the whole test PKI for the demo and the tests (never for production):
#   jpki/     a test JPKI CA and one user-authentication certificate + key per test person
#   clinic/   the clinic CA and the gateway's client certificate (mTLS to the eligibility line)
#   service/  the eligibility service's CA and server certificate (localhost / 127.0.0.1)
#   mqtt/     a broker CA, server certificate and an EHR client certificate
#   rogue/    a CA nobody trusts, with a client and a server certificate (for refusal tests)
#   jpki/people/kobayashi-jiro: a user-authentication certificate whose validity ended (2021)
# Idempotent: an existing, complete tree is left alone. Usage: gen-test-pki.sh [DIR] (default var/pki)
set -euo pipefail
dir=${1:-"$(cd "$(dirname "$0")/.." && pwd)/var/pki"}
people=(yamada-taro sato-hanako suzuki-ichiro tanaka-yuki takahashi-ken ito-sakura watanabe-mei kimura-sumaho nakamura-kao nakamura-fumiko kimura-shiro)
revoked=(takahashi-ken)
expired=(kobayashi-jiro)
# Bump when the tree gains files, so an older tree is regenerated.
version=4

current() { [ -f "$dir/manifest.json" ] && grep -q "\"version\": $version" "$dir/manifest.json"; }
current && exit 0
# Tests may start in parallel: one generator at a time, the others wait and find it done.
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
current && exit 0
umask 077
rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"; cd "$dir.tmp"

ca() { # ca NAME CN
  mkdir -p "$1"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/ca.key" -out "$1/ca.pem" -days 3650 \
    -subj "/C=JP/O=OQS Gateway Test/CN=$2" -sha256 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
leaf() { # leaf CADIR OUTPREFIX CN EXT
  openssl req -newkey rsa:2048 -nodes -keyout "$2.key" -out "$2.csr" -subj "$3" 2>/dev/null
  printf '%b' "$4" > "$2.ext"
  openssl x509 -req -in "$2.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" -CAcreateserial -days 1825 -sha256 \
    -extfile "$2.ext" -out "$2.pem" 2>/dev/null
  rm -f "$2.csr" "$2.ext"
}

ca jpki "Test JPKI User Authentication CA"
mkdir -p jpki/people
for p in "${people[@]}"; do
  # Like the real user-authentication certificate, the subject names no person.
  leaf jpki "jpki/people/$p" "/C=JP/CN=$(openssl rand -hex 8 | tr a-f A-F)" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth"
  openssl x509 -in "jpki/people/$p.pem" -outform DER -out "jpki/people/$p.der"
done

# Revocation list for the test JPKI CA.
cat > jpki/ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = $PWD/jpki/index.txt
crlnumber = $PWD/jpki/crlnumber
serial = $PWD/jpki/expired.srl
new_certs_dir = $PWD/jpki/newcerts
unique_subject = no
policy = any
default_md = sha256
default_crl_days = 3650
[any]
countryName = optional
commonName = supplied
CNF
: > jpki/index.txt; echo 01 > jpki/crlnumber; mkdir -p jpki/newcerts
# Its own serial sequence, far from the one `x509 -CAcreateserial` counts up in ca.srl.
echo "5A$(openssl rand -hex 15 | tr a-f A-F)" > jpki/expired.srl
# An expired certificate: `openssl ca` is the one tool here that takes explicit start/end dates.
for p in "${expired[@]}"; do
  openssl req -newkey rsa:2048 -nodes -keyout "jpki/people/$p.key" -out "jpki/people/$p.csr" \
    -subj "/C=JP/CN=$(openssl rand -hex 8 | tr a-f A-F)" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > "jpki/people/$p.ext"
  openssl ca -batch -config jpki/ca.cnf -keyfile jpki/ca.key -cert jpki/ca.pem -notext \
    -startdate 20200101000000Z -enddate 20210101000000Z -extfile "jpki/people/$p.ext" \
    -in "jpki/people/$p.csr" -out "jpki/people/$p.pem" 2>/dev/null
  openssl x509 -in "jpki/people/$p.pem" -outform DER -out "jpki/people/$p.der"
  rm -f "jpki/people/$p.csr" "jpki/people/$p.ext"
done
rm -rf jpki/newcerts
for p in "${revoked[@]}"; do
  openssl ca -config jpki/ca.cnf -keyfile jpki/ca.key -cert jpki/ca.pem -revoke "jpki/people/$p.pem" 2>/dev/null
done
openssl ca -config jpki/ca.cnf -keyfile jpki/ca.key -cert jpki/ca.pem -gencrl -out jpki/crl.pem 2>/dev/null

ca clinic "Test Clinic CA"
leaf clinic clinic/client "/C=JP/O=Test Clinic/CN=gateway-0001" \
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth"

ca service "Test Eligibility Service CA"
leaf service service/server "/C=JP/O=Test Eligibility Service/CN=localhost" \
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1"

ca mqtt "Test Broker CA"
leaf mqtt mqtt/server "/C=JP/O=Test Clinic/CN=localhost" \
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1"
leaf mqtt mqtt/gateway "/C=JP/O=Test Clinic/CN=gateway" \
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth"
leaf mqtt mqtt/ehr "/C=JP/O=Test Clinic/CN=ehr" \
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth"

ca rogue "Rogue CA"
leaf rogue rogue/client "/C=JP/O=Rogue/CN=gateway-0001" \
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth"
leaf rogue rogue/server "/C=JP/O=Rogue/CN=localhost" \
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1"

{
  printf '{\n  "version": %s,\n  "people": [\n' "$version"
  sep=''
  for p in "${people[@]}" "${expired[@]}"; do
    serial=$(openssl x509 -in "jpki/people/$p.pem" -noout -serial | cut -d= -f2)
    rev=false; for r in "${revoked[@]}"; do [ "$r" = "$p" ] && rev=true; done
    exp=false; for r in "${expired[@]}"; do [ "$r" = "$p" ] && exp=true; done
    printf '%s    {"id": "%s", "serial": "%s", "revoked": %s, "expired": %s}' "$sep" "$p" "$serial" "$rev" "$exp"
    sep=$',\n'
  done
  printf '\n  ]\n}\n'
} > manifest.json
chmod -R go-rwx .
cd ..; rm -rf "$dir"; mv "$dir.tmp" "$dir"
echo "test PKI written to $dir"
