/*
 * render_snap.c - `cairn-snap show` and `verify` in text (render_snap.h).
 */
#include "render_snap.h"

#include <string.h>
#include <time.h>

/* ls -l's mode string: type, rwx three times, set-id and sticky bits. */
static void mode_string(char *out, int type, uint32_t mode)
{
	static const char types[] = "-dlpscb?";
	static const char rwx[] = "rwxrwxrwx";
	int i;

	out[0] = type >= 0 && type < CAIRN_T__COUNT ? types[type] : '?';
	for (i = 0; i < 9; i++)
		out[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	if (mode & 04000)
		out[3] = out[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		out[6] = out[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		out[9] = out[9] == 'x' ? 't' : 'T';
	out[10] = '\0';
}

void cairn_render_snap_entry(FILE *out, const cairn_entry *e)
{
	char mode[11], when[64], hex[65];
	cairn_buf b = CAIRN_BUF_INIT;
	struct tm tm;
	time_t t = (time_t)e->mtime_sec;

	mode_string(mode, e->type, e->mode);
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	else
		strcpy(when, "(bad time)");
	if (e->flags & CAIRN_EF_HASHED) {
		cairn_hex(hex, e->sha256, 32);
		hex[16] = '\0';
	} else {
		strcpy(hex, "-");
	}
	cairn_escape_display(&b, e->path, e->path_len);
	if (e->target) {
		cairn_buf_addstr(&b, " -> ");
		cairn_escape_display(&b, e->target, e->target_len);
	}
	if (e->flags & CAIRN_EF_CHANGED)
		cairn_buf_addstr(&b, "  [changed while read]");
	if (e->err) {
		const char *name = strerrorname_np(e->err);

		cairn_buf_addf(&b, "  [error: %s ", e->err_op ? e->err_op : "?");
		cairn_buf_addf(&b, "%s]", name ? name : "?");
	}
	fprintf(out, "%s %5u %5u %12llu %s %-16s %s\n", mode, e->uid, e->gid,
		(unsigned long long)e->size, when, hex, b.data ? b.data : "");
	cairn_buf_release(&b);
}

void cairn_render_snap_summary(FILE *out, const json_t *t,
			       unsigned long long other_records, int verified)
{
	fprintf(out, "# %lld entries, %lld errors, %llu other records, %s\n",
		(long long)json_integer_value(json_object_get(t, "entries")),
		(long long)json_integer_value(json_object_get(t, "errors")),
		other_records, json_object_get(t, "signature") ?
		(verified ? "signature verified" : "signed (not checked: no --pubkey)")
		: "unsigned");
}

void cairn_render_snap_verified(FILE *out, const char *path, const json_t *t,
				int verified)
{
	const json_t *sig = json_object_get(t, "signature");
	const char *key = json_string_value(json_object_get(sig, "key_id"));
	cairn_buf shown = CAIRN_BUF_INIT;

	cairn_escape_display(&shown, path, strlen(path));
	fprintf(out, "%s: ok, %lld entries, %lld errors, %s%s\n",
		shown.data ? shown.data : "",
		(long long)json_integer_value(json_object_get(t, "entries")),
		(long long)json_integer_value(json_object_get(t, "errors")),
		sig ? (verified ? "signature verified, key " :
		       "signed but not checked (no --pubkey), key ") : "unsigned",
		sig ? key ? key : "?" : "");
	cairn_buf_release(&shown);
}
