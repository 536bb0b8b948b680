/*
 * backup: `enlace-hub backup DATA FILE`, an online, consistent copy of the
 * archive while the hub keeps serving.
 */
#ifndef ENLACE_BACKUP_H
#define ENLACE_BACKUP_H

/* Pages copied per step, and the pause between steps that leaves the disk
 * to the running hub. */
#define BACKUP_PAGES_PER_STEP 256
#define BACKUP_SLEEP_MS 5

#endif
