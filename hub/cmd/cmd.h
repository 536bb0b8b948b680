/*
 * cmd: the enlace-hub subcommands that are not the daemon: each takes the
 * arguments after its name and returns the process's exit status (0 ok,
 * 1 failed, 2 usage). They live in their own library, linked by the
 * enlace-hub program only, not by the daemon's core.
 */
#ifndef ENLACE_CMD_H
#define ENLACE_CMD_H

int cmd_run(int argc, char **argv);          /* run.c */
int cmd_check_config(int argc, char **argv); /* run.c */
int cmd_verify(int argc, char **argv);       /* ledger.c: verify DATA|FILE */
int cmd_export(int argc, char **argv);       /* export.c */
int cmd_export_cap(int argc, char **argv);   /* export_cap.c */
int cmd_backup(int argc, char **argv);       /* backup.c */
int cmd_holiday(int argc, char **argv);      /* calendar.c: holiday add|remove|list */
int cmd_zone(int argc, char **argv);         /* calendar.c: zone set|list */
int cmd_restore(int argc, char **argv);      /* restore.c */
int cmd_archive_key(int argc, char **argv);  /* archive_key.c */

#endif
