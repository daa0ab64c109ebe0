#!/usr/bin/env bash
# Generates the whole test PKI for the demo and the tests (never for production):
#   jpki/     a test JPKI CA and one user-authentication certificate + key per test person
#   clinic/   the clinic CA and the gateway's client certificate (mTLS to the eligibility line)
#   service/  the eligibility service's CA and server certificate (localhost / 127.0.0.1)
#   mqtt/     a broker CA, server certificate and an EHR client certificate
#   rogue/    a CA nobody trusts, with a client and a server certificate (for refusal tests)
# Idempotent: an existing, complete tree is left alone. Usage: gen-test-pki.sh [DIR] (default var/pki)
set -euo pipefail
dir=${1:-"$(cd "$(dirname "$0")/.." && pwd)/var/pki"}
people=(yamada-taro sato-hanako suzuki-ichiro tanaka-yuki takahashi-ken ito-sakura)
revoked=(takahashi-ken)

[ -f "$dir/manifest.json" ] && exit 0
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
default_md = sha256
default_crl_days = 3650
CNF
: > jpki/index.txt; echo 01 > jpki/crlnumber
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
  printf '{\n  "people": [\n'
  sep=''
  for p in "${people[@]}"; do
    serial=$(openssl x509 -in "jpki/people/$p.pem" -noout -serial | cut -d= -f2)
    rev=false; for r in "${revoked[@]}"; do [ "$r" = "$p" ] && rev=true; done
    printf '%s    {"id": "%s", "serial": "%s", "revoked": %s}' "$sep" "$p" "$serial" "$rev"
    sep=$',\n'
  done
  printf '\n  ]\n}\n'
} > manifest.json
chmod -R go-rwx .
cd ..; rm -rf "$dir"; mv "$dir.tmp" "$dir"
echo "test PKI written to $dir"
