/* db.c — placeholder: to be written. */
typedef int sv_placeholder_db;
