# bash completion for mamori
_mamori() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  cmd="${COMP_WORDS[1]:-}"
  local commands="audit collect check db report respond restore ports probe history diff watch schedule logs hunt iocs"
  local common="--root --format --output --lang --severity-threshold --color --data-dir --config --help"
  case "$prev" in
    --format) COMPREPLY=($(compgen -W "human json sarif markdown html" -- "$cur")); return ;;
    --lang) COMPREPLY=($(compgen -W "ja en" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --severity-threshold) COMPREPLY=($(compgen -W "critical high medium low info" -- "$cur")); return ;;
    --root|--data-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --output|--config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands --version --help" -- "$cur"))
    return
  fi
  if [ "$COMP_CWORD" -eq 2 ]; then
    case "$cmd" in
      db) COMPREPLY=($(compgen -W "status update fetch" -- "$cur")); return ;;
      iocs) COMPREPLY=($(compgen -W "status update" -- "$cur")); return ;;
      schedule) COMPREPLY=($(compgen -W "install remove status" -- "$cur")); return ;;
    esac
  fi
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -F _mamori mamori
