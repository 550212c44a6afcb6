#!/usr/bin/env bash
# Print how to reach the lab's services from this host (127.0.0.1 ports only).
set -euo pipefail
cat <<'EOT'

The INPP lab is up. From this host:
  SMTP (mailhub, port 25)      127.0.0.1:2525   STARTTLS offered
  Submission (587)             127.0.0.1:2587   STARTTLS + AUTH required
  SMTPS (465, when enabled)    127.0.0.1:2465
  IMAPS (993)                  127.0.0.1:2993
  POP3S (995)                  127.0.0.1:2995
  Webmail (Roundcube)          https://127.0.0.1:2443/
  Lab accounts: daddy.nzinga@inpp.cd, grace.mbuyi@inpp.cd  password: Lab-Passw0rd!
  (the certificate is self-signed: tell your client to accept it)

  SIP (lab-pbx, Kinshasa 1xxx)  127.0.0.1:5060/udp, TLS 127.0.0.1:5061, RTP 127.0.0.1:10000-10019/udp
  Softphone: sip:1001@127.0.0.1 password lab-sip-1001 (README "Lab softphone")
  lab-pbx2 (Matadi 2xxx) is reached over the site trunk; lab-operator (operator stand-in) calls
  INPP's numbers 0815550100 / 0815550200 and answers outside calls (0 + number).

Try:
  openssl s_client -connect 127.0.0.1:2993 -quiet
  swaks --server 127.0.0.1:2587 -tls -au daddy.nzinga@inpp.cd -ap 'Lab-Passw0rd!' \
        -f daddy.nzinga@inpp.cd -t grace.mbuyi@inpp.cd
  docker exec -it lab-mail bash      docker exec -it lab-pbx bash
Tear down with: make lab-destroy
EOT
