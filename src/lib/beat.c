/* beat.c — placeholder: to be written. */
typedef int sv_placeholder_beat;
