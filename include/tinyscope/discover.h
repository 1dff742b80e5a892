/*
 * Which boards are plugged in: serial ports found in sysfs with the USB
 * device behind each (vendor and product id, serial number, product
 * string), and the board of the knowledge graph whose tiny:usbVendorId and
 * tiny:usbProductId match.
 */
#ifndef TINYSCOPE_DISCOVER_H
#define TINYSCOPE_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "tinyscope/store.h"

/** One serial port. Strings are owned by the list; absent facts are NULL. */
typedef struct {
    char *name;       /**< kernel name, "ttyACM0" */
    char *path;       /**< "/dev/ttyACM0" */
    char *vendor_id;  /**< 4 lowercase hex digits, "2341" */
    char *product_id; /**< 4 lowercase hex digits */
    char *serial;
    char *manufacturer;
    char *product;
    char *driver;    /**< "cdc_acm", "ftdi_sio", ... */
    char *board_iri; /**< the matching board in the knowledge graph */
    char *board_label;
    size_t board_matches; /**< how many KG boards carry these ids */
} ts_port_info;

typedef struct {
    ts_port_info *items;
    size_t count;
} ts_port_list;

/**
 * List the USB serial ports (tty devices with a USB device among their
 * sysfs ancestors), sorted by name. sysfs is the sysfs mount point (NULL:
 * $TINYSCOPE_SYSFS, else "/sys"), so tests can use a fake tree. When store
 * is not NULL each port is matched to a board (ts_discover_match_board).
 * Free with ts_port_list_free. Cheap enough to call every second.
 */
void ts_discover_scan(const char *sysfs, const ts_store *store, ts_port_list *out);

/**
 * Fill info for one device path ("/dev/ttyACM0", or a symlink to it); false
 * when sysfs knows no USB device behind it (a pty, a TCP bridge). Free
 * with ts_port_info_clear.
 */
bool ts_discover_port(const char *sysfs, const char *path, const ts_store *store,
                      ts_port_info *info);

void ts_port_info_clear(ts_port_info *info);
void ts_port_list_free(ts_port_list *list);

/**
 * The board in the store whose tiny:usbVendorId and tiny:usbProductId are
 * vid and pid (compared case-insensitively, leading "0x" allowed). Returns
 * how many boards match; the first (by IRI) goes to *iri and *label (caller
 * frees; either may be NULL). A direct look-up in the Sord indices that a
 * SPARQL view can later replace.
 */
size_t ts_discover_match_board(const ts_store *store, const char *vid, const char *pid, char **iri,
                               char **label);

/**
 * The model in the store (a nnet:NeuralNetwork) whose schema:name,
 * schema:identifier or schema:alternateName is name (case-insensitive); an
 * MLPerf Tiny benchmark id (kws01, vww01, ic01, ad01) also finds its
 * reference model (MLPerf_Tiny_KWS_DS-CNN, ...). Its IRI goes to *iri
 * (caller frees) and its multiply-accumulate count to *macs (NAN when not
 * stated). False when no model matches.
 */
bool ts_discover_match_model(const ts_store *store, const char *name, char **iri, double *macs);

#endif
