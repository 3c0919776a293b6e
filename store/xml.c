/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Snapshot XML: a strict, bounded parser and a plain writer. */
/*
 * The format (docs/store.md), one element per tree level below the root:
 *   <xen-sriov-store schema-version="2">
 *     <object class="network" uuid="...">
 *       <field name="MTU">1500</field>
 *       <field name="other_config"><entry name="k">v</entry></field>
 *     </object>
 *   </xen-sriov-store>
 * The parser takes nothing else: no DTD (so no entity can be declared,
 * expanded or fetched), no entity reference, no processing instruction,
 * no element deeper than <entry>, no value longer than SCHEMA_VALUE_MAX,
 * no unknown attribute.  libxml2 runs with XML_PARSE_NONET and without
 * XML_PARSE_NOENT, XML_PARSE_DTDLOAD or XML_PARSE_HUGE (its own limits on
 * names and text stay on).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "store/internal.h"

#define ROOT_ELEMENT "xen-sriov-store"
#define MAX_NODES 20000000u

struct parse {
    xmlTextReaderPtr reader;
    char *msg;
    size_t msg_size;
    bool failed;
    struct tnode *root;
    struct tnode *cls, *obj, *field, *entry;   /* open elements */
    char *text;                 /* text of the open leaf */
    size_t text_len;
    bool field_has_entries;
    int version;
    unsigned long nodes;
    bool log;                   /* a journal record: <destroyed/> allowed */
    char **destroyed;           /* "class/uuid" */
    size_t n_destroyed;
};

static int parse_fail(struct parse *p, const char *fmt, ...) _printf_(2, 3);
static int parse_fail(struct parse *p, const char *fmt, ...)
{
    char what[256];
    va_list ap;

    if (p->failed)
        return -EBADMSG;
    p->failed = true;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(p->msg, p->msg_size, "line %d: %s",
             p->reader ? xmlTextReaderGetParserLineNumber(p->reader) : 0,
             what);
    return -EBADMSG;
}

static void on_error(void *userdata, xmlErrorPtr e)
{
    struct parse *p = userdata;
    char text[200];
    size_t n;

    if (!e || e->level < XML_ERR_ERROR || p->failed)
        return;
    snprintf(text, sizeof(text), "%s", e->message ? e->message : "error");
    n = strlen(text);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = '\0';
    p->failed = true;
    snprintf(p->msg, p->msg_size, "line %d: %s", e->line, text);
}

/* The value of attribute name, or NULL; every attribute must be known. */
static int attrs(struct parse *p, const char *element, const char *const *names,
                 char **values, size_t n)
{
    size_t i;
    int k;

    for (i = 0; i < n; i++)
        values[i] = NULL;
    k = xmlTextReaderMoveToFirstAttribute(p->reader);
    while (k == 1) {
        const char *an = (const char *)xmlTextReaderConstName(p->reader);
        const char *av = (const char *)xmlTextReaderConstValue(p->reader);

        for (i = 0; i < n; i++)
            if (an && !strcmp(an, names[i]))
                break;
        if (i == n || values[i])
            return parse_fail(p, "<%s> has an unexpected attribute '%.40s'",
                              element, an ? an : "");
        values[i] = strdup(av ? av : "");
        if (!values[i])
            return -ENOMEM;
        k = xmlTextReaderMoveToNextAttribute(p->reader);
    }
    xmlTextReaderMoveToElement(p->reader);
    if (k < 0)
        return parse_fail(p, "unreadable attributes of <%s>", element);
    for (i = 0; i < n; i++)
        if (!values[i])
            return parse_fail(p, "<%s> lacks the attribute '%s'", element,
                              names[i]);
    return 0;
}

static void free_values(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
}

static bool blank(const char *s)
{
    return strspn(s, " \t\n\r") == strlen(s);
}

static int start_element(struct parse *p, const char *name, int depth,
                         bool empty)
{
    char *v[2] = { NULL, NULL };
    int r = 0;

    if (++p->nodes > MAX_NODES)
        return parse_fail(p, "more than %u nodes", MAX_NODES);
    switch (depth) {
    case 0: {
        static const char *const n[] = { "schema-version" };
        char *end;
        long ver;

        if (strcmp(name, ROOT_ELEMENT))
            return parse_fail(p, "the root element is <%.40s>, not <%s>: "
                              "not a xen-sriov snapshot", name, ROOT_ELEMENT);
        r = attrs(p, name, n, v, 1);
        if (r < 0)
            break;
        ver = strtol(v[0], &end, 10);
        if (!*v[0] || *end || ver < 0 || ver > 1000000)
            r = parse_fail(p, "schema-version '%.40s' is not a number", v[0]);
        p->version = (int)ver;
        break;
    }
    case 1: {
        static const char *const n[] = { "class", "uuid" };
        bool destroyed = p->log && !strcmp(name, "destroyed");

        if (strcmp(name, "object") && !destroyed)
            return parse_fail(p, "<%.40s> where <object> was expected",
                              name);
        r = attrs(p, name, n, v, 2);
        if (r < 0)
            break;
        if (destroyed) {
            char **t;

            if (!empty || strpbrk(v[0], "/ ") || strpbrk(v[1], "/ ") ||
                !*v[0] || !*v[1]) {
                r = parse_fail(p, "a <destroyed> that is not an empty "
                               "element naming class and uuid");
                break;
            }
            t = realloc(p->destroyed, (p->n_destroyed + 2) * sizeof(*t));
            if (!t) {
                r = -ENOMEM;
                break;
            }
            p->destroyed = t;
            if (asprintf(&t[p->n_destroyed], "%s/%s", v[0], v[1]) < 0) {
                t[p->n_destroyed] = NULL;
                r = -ENOMEM;
                break;
            }
            t[++p->n_destroyed] = NULL;
            break;
        }
        /* Classes and uuids become node names: no path characters. */
        if (!*v[0] || strpbrk(v[0], "/ ") || !*v[1] || strpbrk(v[1], "/ ")) {
            r = parse_fail(p, "<object> with class '%.40s' and uuid '%.40s'",
                           v[0], v[1]);
            break;
        }
        p->cls = store__tnode_child(p->root, v[0]);
        if (!p->cls) {
            p->cls = store__tnode_new(v[0], "");
            r = store__tnode_add(p->root, p->cls);
            if (r < 0)
                break;
        }
        p->obj = store__tnode_new(v[1], "");
        r = store__tnode_add(p->cls, p->obj);
        if (r == -EEXIST)
            r = parse_fail(p, "%s %s appears twice", v[0], v[1]);
        if (r < 0)
            p->obj = NULL;
        if (r >= 0 && empty)
            p->obj = NULL;
        break;
    }
    case 2:
    case 3: {
        static const char *const n[] = { "name" };
        const char *want = depth == 2 ? "field" : "entry";
        struct tnode *parent = depth == 2 ? p->obj : p->field, *t;

        if (strcmp(name, want))
            return parse_fail(p, "<%.40s> where <%s> was expected", name,
                              want);
        r = attrs(p, name, n, v, 1);
        if (r < 0)
            break;
        if (!*v[0] || strpbrk(v[0], "/ ")) {
            r = parse_fail(p, "<%s> with name '%.40s'", want, v[0]);
            break;
        }
        if (depth == 3) {
            if (p->text && !blank(p->text)) {
                r = parse_fail(p, "field '%s' has text and entries",
                               p->field->name);
                break;
            }
            p->field_has_entries = true;
        }
        t = store__tnode_new(v[0], "");
        r = store__tnode_add(parent, t);
        if (r == -EEXIST)
            r = parse_fail(p, "<%s name=\"%.40s\"> appears twice", want,
                           v[0]);
        if (r < 0)
            break;
        free(p->text);
        p->text = NULL;
        p->text_len = 0;
        if (depth == 2) {
            p->field = empty ? NULL : t;
            p->field_has_entries = false;
        } else {
            p->entry = empty ? NULL : t;
        }
        break;
    }
    default:
        r = parse_fail(p, "<%.40s> is nested too deep", name);
    }
    free_values(v, 2);
    return r;
}

/* Move the collected text into the leaf being closed. */
static int end_element(struct parse *p, int depth)
{
    struct tnode *t = depth == 3 ? p->entry : depth == 2 ? p->field : NULL;

    if (t && !(depth == 2 && p->field_has_entries)) {
        free(t->value);
        t->value = p->text ? p->text : strdup("");
        p->text = NULL;
        p->text_len = 0;
        if (!t->value)
            return -ENOMEM;
    }
    free(p->text);
    p->text = NULL;
    p->text_len = 0;
    if (depth == 3)
        p->entry = NULL;
    else if (depth == 2)
        p->field = NULL;
    else if (depth == 1)
        p->obj = NULL;
    return 0;
}

static int text(struct parse *p, const char *s, int depth)
{
    size_t len = strlen(s);
    char *t;

    if (depth == 4 && p->entry) {
        /* Text of an entry. */
    } else if (depth == 3 && p->field && !p->entry) {
        /* Text of a field. */
        if (p->field_has_entries) {
            if (blank(s))
                return 0;
            return parse_fail(p, "field '%s' has text and entries",
                              p->field->name);
        }
    } else {
        if (blank(s))
            return 0;
        return parse_fail(p, "text '%.20s' outside a <field> or <entry>", s);
    }
    if (p->text_len + len > SCHEMA_VALUE_MAX)
        return parse_fail(p, "a value longer than %d bytes",
                          SCHEMA_VALUE_MAX);
    t = realloc(p->text, p->text_len + len + 1);
    if (!t)
        return -ENOMEM;
    memcpy(t + p->text_len, s, len + 1);
    p->text = t;
    p->text_len += len;
    return 0;
}

/* Length of the UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t k, i;
    unsigned cp;

    if (p[0] < 0x80)
        return p[0] ? 1 : 0;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        k = 2;
        cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        k = 3;
        cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        k = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (k > n)
        return 0;
    for (i = 1; i < k; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k;
}

/*
 * Snapshots are UTF-8, as written.  Checked before libxml2 sees the data:
 * it would otherwise guess other encodings from the first bytes and
 * convert, and its conversion errors go to stderr, not to us.
 */
static int precheck(const char *data, size_t len, char *msg, size_t size)
{
    const unsigned char *p = (const unsigned char *)data;
    const char *decl_end, *enc;
    size_t i = 0, k;

    while (i < len && strchr(" \t\r\n", data[i]) && data[i])
        i++;
    if (i == len) {
        snprintf(msg, size, "empty file (truncated to nothing?)");
        return -EBADMSG;
    }
    if (data[i] != '<') {
        snprintf(msg, size, "not XML (byte %zu is not '<'): not a "
                 "xen-sriov snapshot", i);
        return -EBADMSG;
    }
    for (i = 0; i < len; i += k) {
        k = utf8_len(p + i, len - i);
        if (!k) {
            snprintf(msg, size, "byte %zu is not UTF-8 (or is NUL): not a "
                     "xen-sriov snapshot", i);
            return -EBADMSG;
        }
    }
    /* The declaration may name UTF-8 only. */
    if (len > 5 && !strncmp(data, "<?xml", 5)) {
        decl_end = memmem(data, len, "?>", 2);
        if (!decl_end) {
            snprintf(msg, size, "the XML declaration is not closed");
            return -EBADMSG;
        }
        enc = memmem(data, (size_t)(decl_end - data), "encoding", 8);
        if (enc) {
            const char *q = enc + 8;

            while (q < decl_end && strchr(" \t\r\n=", *q))
                q++;
            if (q + 6 > decl_end || (*q != '"' && *q != '\'') ||
                strncasecmp(q + 1, "UTF-8", 5) || q[6] != *q) {
                snprintf(msg, size, "the XML declaration names an "
                         "encoding other than UTF-8");
                return -EBADMSG;
            }
        }
    }
    return 0;
}

static int parse(const char *data, size_t len, bool log, struct tnode **ret,
                 int *ret_version, char ***ret_destroyed, char *msg,
                 size_t msg_size)
{
    struct parse p = {
        .msg = msg, .msg_size = msg_size, .version = -1, .log = log,
    };
    bool seen_root = false;
    int r = 0, k;

    if (len > STORE_SNAPSHOT_MAX) {
        snprintf(msg, msg_size, "larger than %u bytes",
                 STORE_SNAPSHOT_MAX);
        return -EBADMSG;
    }
    r = precheck(data, len, msg, msg_size);
    if (r < 0)
        return r;
    p.root = store__tnode_new(SCHEMA_ROOT, "");
    if (!p.root)
        return -ENOMEM;
    p.reader = xmlReaderForMemory(data, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!p.reader) {
        store__tnode_free(p.root);
        snprintf(msg, msg_size, "cannot start the XML parser");
        return -ENOMEM;
    }
    xmlTextReaderSetStructuredErrorHandler(p.reader, on_error, &p);
    while (r >= 0 && (k = xmlTextReaderRead(p.reader)) == 1) {
        int type = xmlTextReaderNodeType(p.reader);
        int depth = xmlTextReaderDepth(p.reader);
        const char *name = (const char *)xmlTextReaderConstName(p.reader);

        switch (type) {
        case XML_READER_TYPE_ELEMENT:
            if (depth == 0 && seen_root) {
                r = parse_fail(&p, "a second root element");
                break;
            }
            seen_root = true;
            r = start_element(&p, name ? name : "",
                              depth, xmlTextReaderIsEmptyElement(p.reader));
            break;
        case XML_READER_TYPE_END_ELEMENT:
            r = end_element(&p, depth);
            break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE: {
            const char *v = (const char *)xmlTextReaderConstValue(p.reader);

            r = text(&p, v ? v : "", depth);
            break;
        }
        case XML_READER_TYPE_COMMENT:
            break;
        case XML_READER_TYPE_DOCUMENT_TYPE:
            r = parse_fail(&p, "a document type declaration (DTD): "
                           "snapshots have none");
            break;
        case XML_READER_TYPE_ENTITY_REFERENCE:
        case XML_READER_TYPE_ENTITY:
            r = parse_fail(&p, "an entity reference: snapshots have none");
            break;
        default:
            r = parse_fail(&p, "unexpected XML node (type %d)", type);
        }
        if (r >= 0 && p.failed)
            r = -EBADMSG;
    }
    if (r >= 0 && (k < 0 || p.failed)) {
        r = -EBADMSG;
        if (!p.failed)
            parse_fail(&p, "not well-formed XML (truncated?)");
    }
    if (r >= 0 && !seen_root)
        r = parse_fail(&p, "empty document");
    xmlFreeTextReader(p.reader);
    free(p.text);
    if (r >= 0 && log && !p.destroyed) {
        p.destroyed = calloc(1, sizeof(char *));
        if (!p.destroyed)
            r = -ENOMEM;
    }
    if (r < 0) {
        store__tnode_free(p.root);
        strv_free(p.destroyed);
        return r;
    }
    *ret = p.root;
    *ret_version = p.version;
    if (ret_destroyed)
        *ret_destroyed = p.destroyed;
    else
        strv_free(p.destroyed);
    return 0;
}

int store__xml_parse(const char *data, size_t len, struct tnode **ret,
                     int *ret_version, char *msg, size_t msg_size)
{
    return parse(data, len, false, ret, ret_version, NULL, msg, msg_size);
}

int store__xml_parse_record(const char *data, size_t len,
                            struct tnode **ret, int *ret_version,
                            char ***ret_destroyed, char *msg,
                            size_t msg_size)
{
    return parse(data, len, true, ret, ret_version, ret_destroyed, msg,
                 msg_size);
}



/* ---- writing ---- */

struct out {
    int fd;                     /* < 0: collect in mem */
    char *mem;
    size_t mem_len;
    char buf[65536];
    size_t len;
    int err;
};

static void flush_out(struct out *o)
{
    size_t off = 0;

    if (o->fd < 0 && !o->err && o->len) {
        char *t = realloc(o->mem, o->mem_len + o->len + 1);

        if (!t) {
            o->err = -ENOMEM;
        } else {
            memcpy(t + o->mem_len, o->buf, o->len);
            o->mem = t;
            o->mem_len += o->len;
            t[o->mem_len] = '\0';
        }
        o->len = 0;
        return;
    }
    while (!o->err && off < o->len) {
        ssize_t k = write(o->fd, o->buf + off, o->len - off);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            o->err = -errno;
        else
            off += (size_t)k;
    }
    o->len = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
    while (n > 0 && !o->err) {
        size_t room = sizeof(o->buf) - o->len, k = n < room ? n : room;

        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
        if (o->len == sizeof(o->buf))
            flush_out(o);
    }
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* Escape for element text (attr false) or a "-quoted attribute. */
static void put_escaped(struct out *o, const char *s, bool attr)
{
    const char *run = s;

    for (; *s; s++) {
        const char *rep = NULL;
        unsigned char c = (unsigned char)*s;

        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = attr ? "&quot;" : NULL; break;
        case '\t': rep = attr ? "&#9;" : NULL; break;
        case '\n': rep = attr ? "&#10;" : NULL; break;
        case '\r': rep = "&#13;"; break;   /* else read back as \n */
        case 0x7f: rep = "&#127;"; break;
        default:
            if (c < 0x20) {
                /* Not in XML 1.0 at all: the parser never yields it and
                 * values are checked before they are stored. */
                o->err = -EINVAL;
                return;
            }
        }
        if (!rep)
            continue;
        put(o, run, (size_t)(s - run));
        puts_(o, rep);
        run = s + 1;
    }
    put(o, run, (size_t)(s - run));
}

static void put_objects(struct out *o, const struct tnode *tree)
{
    size_t i, j, f, e;

    for (i = 0; i < tree->n_children; i++) {
        const struct tnode *c = tree->children[i];
        const struct schema_class *sc = schema_class_find_exact(c->name);

        if (!sc)
            continue;           /* meta nodes are not part of a snapshot */
        for (j = 0; j < c->n_children; j++) {
            const struct tnode *obj = c->children[j];

            puts_(o, "  <object class=\"");
            put_escaped(o, c->name, true);
            puts_(o, "\" uuid=\"");
            put_escaped(o, obj->name, true);
            puts_(o, "\">\n");
            for (f = 0; f < obj->n_children; f++) {
                const struct tnode *fl = obj->children[f];

                /* Inverse fields are rebuilt when loaded: not written. */
                if (schema_field_maintained_by(
                        sc, schema_field_find(sc, fl->name), NULL))
                    continue;

                puts_(o, "    <field name=\"");
                put_escaped(o, fl->name, true);
                if (!fl->n_children) {
                    puts_(o, "\">");
                    put_escaped(o, fl->value, false);
                    puts_(o, "</field>\n");
                    continue;
                }
                puts_(o, "\">\n");
                for (e = 0; e < fl->n_children; e++) {
                    const struct tnode *en = fl->children[e];

                    puts_(o, "      <entry name=\"");
                    put_escaped(o, en->name, true);
                    if (*en->value) {
                        puts_(o, "\">");
                        put_escaped(o, en->value, false);
                        puts_(o, "</entry>\n");
                    } else {
                        puts_(o, "\"/>\n");
                    }
                }
                puts_(o, "    </field>\n");
            }
            puts_(o, "  </object>\n");
        }
    }
}

static void put_head(struct out *o, int version)
{
    char head[128];

    snprintf(head, sizeof(head), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
             "\n<" ROOT_ELEMENT " schema-version=\"%d\">\n", version);
    puts_(o, head);
}

int store__xml_write(int fd, const struct tnode *tree, int version)
{
    struct out *o = calloc(1, sizeof(*o));
    int r;

    if (!o)
        return -ENOMEM;
    o->fd = fd;
    put_head(o, version);
    put_objects(o, tree);
    puts_(o, "</" ROOT_ELEMENT ">\n");
    flush_out(o);
    r = o->err;
    free(o);
    return r;
}

int store__xml_record(const struct tnode *objects, char *const *destroyed,
                      int version, char **ret, size_t *len)
{
    struct out *o = calloc(1, sizeof(*o));
    size_t i;
    int r;

    if (!o)
        return -ENOMEM;
    o->fd = -1;
    put_head(o, version);
    put_objects(o, objects);
    for (i = 0; destroyed && destroyed[i]; i++) {
        const char *slash = strchr(destroyed[i], '/');

        if (!slash)
            continue;
        puts_(o, "  <destroyed class=\"");
        put(o, destroyed[i], (size_t)(slash - destroyed[i]));
        puts_(o, "\" uuid=\"");
        put_escaped(o, slash + 1, true);
        puts_(o, "\"/>\n");
    }
    puts_(o, "</" ROOT_ELEMENT ">\n");
    flush_out(o);
    r = o->err;
    if (r < 0) {
        free(o->mem);
    } else {
        *ret = o->mem;
        *len = o->mem_len;
    }
    free(o);
    return r;
}
