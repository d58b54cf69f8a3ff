# Test helper: what zsh's completion offers for a command line, one candidate a line.
#   zsh -f zsh_complete.zsh SCRIPT 'jobc runs '
# An interactive zsh in a pseudo-terminal loads SCRIPT, and a compadd wrapper prints every
# candidate the completion functions add when TAB is pressed after the line.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT=''; autoload -U compinit; compinit -u -D; source ${(q)1}"
zpty -w z 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false'
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits; builtin compadd -A __hits "$@"
  (( $#__hits )) && print -r -l -- "<hit>"${^__hits} >/dev/tty
  builtin compadd "$@" }'
# The markers are split in what is typed, so the terminal's echo of the command cannot match
# before zsh has run it.
zpty -w z 'print "<rea""dy>"'
zpty -r -m z line '*<ready>*'
zpty -n -w z "$2"$'\t'
zpty -w z $'\C-u print "<do""ne>"'
zpty -r z out '*<done>*'
print -r -- "$out" | tr -d '\r' | grep -ao '<hit>[^<[:cntrl:]]*' | sed 's/^<hit>//'
zpty -d z
