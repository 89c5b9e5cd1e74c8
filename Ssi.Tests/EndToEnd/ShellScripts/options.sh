# set -e, -u, -f, -x and set --, each in its own shell so a failure ends only that one.
sh -c 'set -e; false; echo not-reached'; echo "e: $?"
sh -c 'set -e; false || true; if false; then :; fi; ! true; false && true; echo survived'; echo "e2: $?"
sh -c 'set -e; (false); echo not-reached'; echo "e3: $?"
sh -c 'set -u; echo "$undefined_var"' 2>/dev/null; echo "u: $?"
sh -c 'set -u; echo "${undefined_var-ok}"'
sh -c 'set -f; echo /*'
sh -c 'set -x; echo traced' 2>/dev/null
sh -c 'set -- a b c; echo $#; set --; echo $#'
sh -c 'set -e; f() { false; echo in-f; }; f; echo after-f'; echo "ef: $?"
echo "$-" | grep -c e
