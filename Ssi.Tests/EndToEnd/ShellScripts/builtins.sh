# Builtins: cd, pwd, export, unset, readonly, read, shift, eval, exec, ., umask, command, wait, kill.
mkdir -p d/e && cd d/e && pwd | sed 's|.*/d/e$|ends in d/e|'; cd ../..
cd d && cd - >/dev/null && pwd | sed 's|.*/d$|in d|;s|.*/[^/]*$|back|'
export EXPORTED=yes; sh -c 'echo "child sees $EXPORTED"'
NOTEXP=no; sh -c 'echo "child sees [${NOTEXP-}]"'
TEMP=just-this sh -c 'echo "temp $TEMP"'; echo "after [${TEMP-}]"
unset EXPORTED; echo "unset [${EXPORTED-gone}]"
readonly RO=fixed; (RO=changed) 2>/dev/null; echo "readonly $? $RO"
printf 'a b c\nsecond line\n' > in.txt
read -r first rest < in.txt; echo "first=$first rest=$rest"
printf 'back\\slash\n' | { read -r raw; echo "raw=$raw"; }
set -- 1 2 3 4; shift 2; echo "shifted $*"
cmd='echo evaluated $((2+2))'; eval "$cmd"
echo 'echo sourced $1; SOURCED=1' > lib.sh; . ./lib.sh; echo "var $SOURCED"
(exec echo exec-replaced); echo "after exec $?"
old=$(umask); umask 027; umask; umask "$old"
command -v echo; command echo via-command
sleep 0.2 & pid=$!; wait $pid; echo "waited $?"
sh -c 'exit 5' & wait $!; echo "bg status $?"
sleep 30 & kill $!; wait $!; echo "killed bg $?"
true; echo "true $?"; false; echo "false $?"; :; echo "colon $?"
test 2 -gt 1 && [ abc = abc ] && echo tests-ok
