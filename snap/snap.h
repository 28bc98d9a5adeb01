/*
 * snap.h - the verbs of cairn-snap that live beside main.c.
 */
#ifndef CAIRN_SNAP_SNAP_H
#define CAIRN_SNAP_SNAP_H

/* cairn-snap prune (snap/prune.c): argv[0] is "prune"; returns the exit
 * status. */
int cairn_snap_cmd_prune(int argc, char **argv);
/* cairn-snap export (snap/export.c): argv[0] is "export". */
int cairn_snap_cmd_export(int argc, char **argv);

#endif
