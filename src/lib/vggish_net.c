/* vggish_net.c — placeholder: to be written. */
typedef int sv_placeholder_vggish_net;
