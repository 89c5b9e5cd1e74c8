# trap: EXIT, signals sent to the shell itself, ignoring, resetting, and traps in subshells.
sh -c 'trap "echo exit-trap" EXIT; echo body'
sh -c 'trap "echo exit-trap \$?" EXIT; exit 4'; echo "status $?"
sh -c 'trap "echo got-usr1" USR1; kill -USR1 $$; echo after-signal'
sh -c 'trap "" TERM; kill -TERM $$; echo ignored-term'
sh -c 'trap "echo int" INT; trap - INT; echo reset'
sh -c 'trap "echo outer" EXIT; ( echo in-subshell ); echo done'
sh -c 'trap "echo hup; exit 9" HUP; kill -HUP $$; echo not-reached'; echo "hup status $?"
