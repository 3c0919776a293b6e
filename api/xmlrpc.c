/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* XML-RPC codec: hardened libxml2 parse into struct xv, compact encode. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "libsriov/macro.h"
#include "api/xmlrpc.h"

struct decoder {
    char *error;                   /* first error, one line */
    int r;
};

static int fail(struct decoder *d, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(struct decoder *d, int r, const char *fmt, ...)
{
    va_list ap;

    if (!d->error && r == -EBADMSG) {
        va_start(ap, fmt);
        if (vasprintf(&d->error, fmt, ap) < 0) {
            d->error = NULL;
            r = -ENOMEM;
        }
        va_end(ap);
        /* One line, whatever the quoted input held. */
        for (char *p = d->error; p && *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
    }
    if (!d->r)
        d->r = r;
    return d->r;
}

static bool is_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static bool is_name(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

/*
 * The next element child of a node from c on, skipping comments and
 * whitespace.  Other text is an error: XML-RPC has no mixed content.
 */
static int next_element(struct decoder *d, xmlNode *c, xmlNode **ret)
{
    *ret = NULL;
    for (; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            *ret = c;
            return 0;
        }
        if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
            continue;
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            && is_blank(c->content))
            continue;
        return fail(d, -EBADMSG, "unexpected text in <%s> on line %ld; "
                    "only elements belong there",
                    c->parent ? (const char *)c->parent->name : "?",
                    xmlGetLineNo(c));
    }
    *ret = NULL;
    return 0;
}

/* Concatenated text of n (text and CDATA children only). */
static int text_of(struct decoder *d, xmlNode *n, char **ret)
{
    size_t len = 0, l;
    xmlNode *c;
    char *s;

    for (c = n->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            len += strlen((const char *)c->content);
        else if (c->type == XML_ELEMENT_NODE)
            return fail(d, -EBADMSG, "<%s> on line %ld must hold text, not "
                        "<%s>", n->name, xmlGetLineNo(n), c->name);
    s = malloc(len + 1);
    if (!s)
        return fail(d, -ENOMEM, "out of memory");
    len = 0;
    for (c = n->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            l = strlen((const char *)c->content);
            memcpy(s + len, c->content, l);
            len += l;
        }
    s[len] = '\0';
    *ret = s;
    return 0;
}

/* Text of n without surrounding whitespace (for numbers and booleans). */
static int trimmed_text_of(struct decoder *d, xmlNode *n, char **ret)
{
    char *s, *b, *e;
    int r;

    r = text_of(d, n, &s);
    if (r < 0)
        return r;
    for (b = s; *b && strchr(" \t\r\n", *b); b++)
        ;
    for (e = b + strlen(b); e > b && strchr(" \t\r\n", e[-1]); e--)
        ;
    *e = '\0';
    memmove(s, b, (size_t)(e - b) + 1);
    *ret = s;
    return 0;
}

static int decode_value(struct decoder *d, xmlNode *value, int depth,
                        struct xv **ret);

static int decode_scalar(struct decoder *d, xmlNode *t, struct xv **ret)
{
    _cleanup_free_ char *s = NULL;
    const char *name = (const char *)t->name;
    struct xv *v = NULL;
    int64_t i;
    double f;
    char *end;

    if (strcmp(name, "string") == 0 || strcmp(name, "base64") == 0 ||
        strcmp(name, "dateTime.iso8601") == 0) {
        if (text_of(d, t, &s) < 0)
            return d->r;
        v = xv_new_string(s);
    } else if (strcmp(name, "nil") == 0) {
        xmlNode *c;

        if (next_element(d, t->children, &c) < 0)
            return d->r;
        if (c)
            return fail(d, -EBADMSG, "<nil> on line %ld must be empty",
                        xmlGetLineNo(t));
        v = xv_new_nil();
    } else {
        if (trimmed_text_of(d, t, &s) < 0)
            return d->r;
        if (strcmp(name, "i4") == 0 || strcmp(name, "int") == 0 ||
            strcmp(name, "i8") == 0) {
            struct xv tmp = { .type = XV_STRING, .s = s };

            if (xv_get_int(&tmp, &i) < 0)
                return fail(d, -EBADMSG, "<%s> on line %ld is not an "
                            "integer: '%.40s'", name, xmlGetLineNo(t), s);
            v = xv_new_int(i);
        } else if (strcmp(name, "boolean") == 0) {
            if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
                v = xv_new_bool(true);
            else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
                v = xv_new_bool(false);
            else
                return fail(d, -EBADMSG, "<boolean> on line %ld must be 0 or "
                            "1, not '%.40s'", xmlGetLineNo(t), s);
        } else if (strcmp(name, "double") == 0) {
            errno = 0;
            f = strtod(s, &end);
            if (!*s || *end || errno || !isfinite(f))
                return fail(d, -EBADMSG, "<double> on line %ld is not a "
                            "finite number: '%.40s'", xmlGetLineNo(t), s);
            v = xv_new_double(f);
        } else {
            return fail(d, -EBADMSG, "unknown value type <%.40s> on line %ld",
                        name, xmlGetLineNo(t));
        }
    }
    if (!v)
        return fail(d, -ENOMEM, "out of memory");
    *ret = v;
    return 0;
}

static int decode_array(struct decoder *d, xmlNode *t, int depth,
                        struct xv **ret)
{
    _cleanup_xv_ struct xv *a = xv_new_array();
    xmlNode *data, *c, *extra;
    struct xv *item;

    if (!a)
        return fail(d, -ENOMEM, "out of memory");
    if (next_element(d, t->children, &data) < 0)
        return d->r;
    if (!is_name(data, "data"))
        return fail(d, -EBADMSG, "<array> on line %ld must contain <data>",
                    xmlGetLineNo(t));
    if (next_element(d, data->next, &extra) < 0)
        return d->r;
    if (extra)
        return fail(d, -EBADMSG, "<array> on line %ld has more than <data>",
                    xmlGetLineNo(t));
    for (next_element(d, data->children, &c); c && !d->r;
         next_element(d, c->next, &c)) {
        if (!is_name(c, "value"))
            return fail(d, -EBADMSG, "<data> on line %ld may contain only "
                        "<value>, not <%.40s>", xmlGetLineNo(c), c->name);
        if (decode_value(d, c, depth + 1, &item) < 0)
            return d->r;
        if (xv_array_append(a, item) < 0)
            return fail(d, -ENOMEM, "out of memory");
    }
    if (d->r)
        return d->r;
    *ret = TAKE_PTR(a);
    return 0;
}

static int decode_member(struct decoder *d, xmlNode *m, int depth,
                         struct xv *s)
{
    _cleanup_free_ char *name = NULL;
    xmlNode *n, *v, *extra;
    struct xv *item;

    if (next_element(d, m->children, &n) < 0)
        return d->r;
    if (!is_name(n, "name"))
        return fail(d, -EBADMSG, "<member> on line %ld must start with "
                    "<name>", xmlGetLineNo(m));
    if (next_element(d, n->next, &v) < 0)
        return d->r;
    if (!is_name(v, "value"))
        return fail(d, -EBADMSG, "<member> on line %ld must have a <value> "
                    "after <name>", xmlGetLineNo(m));
    if (next_element(d, v->next, &extra) < 0)
        return d->r;
    if (extra)
        return fail(d, -EBADMSG, "<member> on line %ld has more than <name> "
                    "and <value>", xmlGetLineNo(m));
    if (text_of(d, n, &name) < 0)
        return d->r;
    if (decode_value(d, v, depth + 1, &item) < 0)
        return d->r;
    if (xv_struct_append(s, name, strlen(name), item) < 0)
        return fail(d, -ENOMEM, "out of memory");
    return 0;
}

static int decode_struct(struct decoder *d, xmlNode *t, int depth,
                         struct xv **ret)
{
    _cleanup_xv_ struct xv *s = xv_new_struct();
    xmlNode *c;

    if (!s)
        return fail(d, -ENOMEM, "out of memory");
    for (next_element(d, t->children, &c); c && !d->r;
         next_element(d, c->next, &c)) {
        if (!is_name(c, "member"))
            return fail(d, -EBADMSG, "<struct> on line %ld may contain only "
                        "<member>, not <%.40s>", xmlGetLineNo(c), c->name);
        if (decode_member(d, c, depth, s) < 0)
            return d->r;
    }
    if (d->r)
        return d->r;
    *ret = TAKE_PTR(s);
    return 0;
}

static int decode_value(struct decoder *d, xmlNode *value, int depth,
                        struct xv **ret)
{
    _cleanup_free_ char *s = NULL;
    xmlNode *t, *extra;
    struct xv *v;

    if (depth > XMLRPC_MAX_DEPTH)
        return fail(d, -EBADMSG, "values nested deeper than %d levels on "
                    "line %ld", XMLRPC_MAX_DEPTH, xmlGetLineNo(value));
    /* An untyped value is a string; a typed one has one element child. */
    for (t = value->children; t && t->type != XML_ELEMENT_NODE; t = t->next)
        ;
    if (!t) {
        if (text_of(d, value, &s) < 0)
            return d->r;
        v = xv_new_string(s);
        if (!v)
            return fail(d, -ENOMEM, "out of memory");
        *ret = v;
        return 0;
    }
    if (next_element(d, value->children, &t) < 0 ||
        next_element(d, t->next, &extra) < 0)
        return d->r;
    if (extra)
        return fail(d, -EBADMSG, "<value> on line %ld holds more than one "
                    "element", xmlGetLineNo(value));
    if (is_name(t, "array"))
        return decode_array(d, t, depth, ret);
    if (is_name(t, "struct"))
        return decode_struct(d, t, depth, ret);
    return decode_scalar(d, t, ret);
}

/* SAX hook: any DOCTYPE stops the parse (no DTD, no entity declarations). */
static void refuse_doctype(void *ctx, const xmlChar *name,
                           const xmlChar *external_id,
                           const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;

    *(bool *)ctxt->_private = true;
    xmlStopParser(ctxt);
}

static void entity_decl(void *ctx, const xmlChar *name, int type,
                        const xmlChar *public_id, const xmlChar *system_id,
                        xmlChar *content)
{
    refuse_doctype(ctx, name, public_id, system_id);
}

static int parse_doc(struct decoder *d, const char *buf, size_t len,
                     xmlDocPtr *ret)
{
    xmlParserCtxtPtr ctxt;
    bool doctype = false;
    xmlDocPtr doc;

    if (len > XMLRPC_MAX_INPUT)
        return fail(d, -EBADMSG, "document of %zu bytes is larger than the "
                    "limit of %u bytes", len, XMLRPC_MAX_INPUT);
    ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
    if (!ctxt)
        return fail(d, len ? -ENOMEM : -EBADMSG, "empty document");
    ctxt->_private = &doctype;
    ctxt->sax->internalSubset = refuse_doctype;
    ctxt->sax->externalSubset = refuse_doctype;
    ctxt->sax->entityDecl = entity_decl;
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
                      XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    xmlParseDocument(ctxt);
    doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    if (doctype) {
        fail(d, -EBADMSG, "a DOCTYPE is not allowed in XML-RPC");
    } else if (!doc || !ctxt->wellFormed) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        char *msg = e && e->message ? strndup(e->message, 200) : NULL;
        char *nl = msg ? strchr(msg, '\n') : NULL;

        if (nl)
            *nl = '\0';
        fail(d, -EBADMSG, "not well-formed XML (line %d: %s)",
             e ? e->line : 0, msg ? msg : "parse error");
        free(msg);
    }
    xmlFreeParserCtxt(ctxt);
    if (d->r) {
        xmlFreeDoc(doc);
        return d->r;
    }
    *ret = doc;
    return 0;
}

static int root_element(struct decoder *d, xmlDocPtr doc, const char *name,
                        xmlNode **ret)
{
    xmlNode *root = xmlDocGetRootElement(doc);

    if (!is_name(root, name))
        return fail(d, -EBADMSG, "the document element is <%.40s>, not "
                    "<%s>", root ? (const char *)root->name : "", name);
    *ret = root;
    return 0;
}

static int finish(struct decoder *d, char **ret_error)
{
    if (d->r && ret_error && d->error)
        *ret_error = TAKE_PTR(d->error);
    free(d->error);
    return d->r;
}

static int parse_call(struct decoder *d, xmlDocPtr doc, char **ret_method,
                      struct xv **ret_params)
{
    _cleanup_xv_ struct xv *params = xv_new_array();
    _cleanup_free_ char *method = NULL;
    xmlNode *root = NULL, *n, *p, *c, *v, *extra;
    struct xv *item;

    if (!params)
        return fail(d, -ENOMEM, "out of memory");
    if (root_element(d, doc, "methodCall", &root) < 0 ||
        next_element(d, root->children, &n) < 0)
        return d->r;
    if (!is_name(n, "methodName"))
        return fail(d, -EBADMSG, "<methodCall> must start with "
                    "<methodName>");
    if (trimmed_text_of(d, n, &method) < 0)
        return d->r;
    if (!*method)
        return fail(d, -EBADMSG, "<methodName> is empty");
    if (next_element(d, n->next, &p) < 0)
        return d->r;
    if (p && !is_name(p, "params"))
        return fail(d, -EBADMSG, "<methodName> must be followed by "
                    "<params>, not <%.40s>", p->name);
    if (p && (next_element(d, p->next, &extra) < 0 || extra))
        return fail(d, -EBADMSG, "<methodCall> has more than <methodName> "
                    "and <params>");
    c = NULL;
    if (p && next_element(d, p->children, &c) < 0)
        return d->r;
    for (; c && !d->r; next_element(d, c->next, &c)) {
        if (!is_name(c, "param"))
            return fail(d, -EBADMSG, "<params> may contain only <param>, "
                        "not <%.40s> (line %ld)", c->name, xmlGetLineNo(c));
        if (next_element(d, c->children, &v) < 0)
            return d->r;
        if (!is_name(v, "value"))
            return fail(d, -EBADMSG, "<param> on line %ld must contain "
                        "<value>", xmlGetLineNo(c));
        if (next_element(d, v->next, &extra) < 0)
            return d->r;
        if (extra)
            return fail(d, -EBADMSG, "<param> on line %ld has more than one "
                        "<value>", xmlGetLineNo(c));
        if (decode_value(d, v, 1, &item) < 0)
            return d->r;
        if (xv_array_append(params, item) < 0)
            return fail(d, -ENOMEM, "out of memory");
    }
    if (d->r)
        return d->r;
    *ret_method = TAKE_PTR(method);
    *ret_params = TAKE_PTR(params);
    return 0;
}

int xmlrpc_parse_call(const char *buf, size_t len, char **ret_method,
                      struct xv **ret_params, char **ret_error)
{
    struct decoder d = { NULL, 0 };
    xmlDocPtr doc = NULL;

    if (parse_doc(&d, buf, len, &doc) == 0) {
        parse_call(&d, doc, ret_method, ret_params);
        xmlFreeDoc(doc);
    }
    return finish(&d, ret_error);
}

static int parse_response(struct decoder *d, xmlDocPtr doc,
                          struct xv **ret_value)
{
    xmlNode *root = NULL, *n, *p, *v;

    if (root_element(d, doc, "methodResponse", &root) < 0 ||
        next_element(d, root->children, &n) < 0)
        return d->r;
    if (is_name(n, "fault")) {
        if (next_element(d, n->children, &v) < 0)
            return d->r;
        if (!is_name(v, "value"))
            return fail(d, -EBADMSG, "<fault> must contain <value>");
        return decode_value(d, v, 1, ret_value);
    }
    if (!is_name(n, "params"))
        return fail(d, -EBADMSG, "<methodResponse> must contain <params> "
                    "or <fault>");
    if (next_element(d, n->children, &p) < 0)
        return d->r;
    if (!is_name(p, "param"))
        return fail(d, -EBADMSG, "<params> of a response must hold one "
                    "<param>");
    if (next_element(d, p->children, &v) < 0)
        return d->r;
    if (!is_name(v, "value"))
        return fail(d, -EBADMSG, "<param> must contain <value>");
    return decode_value(d, v, 1, ret_value);
}

int xmlrpc_parse_response(const char *buf, size_t len, struct xv **ret_value,
                          char **ret_error)
{
    struct decoder d = { NULL, 0 };
    xmlDocPtr doc = NULL;

    if (parse_doc(&d, buf, len, &doc) == 0) {
        parse_response(&d, doc, ret_value);
        xmlFreeDoc(doc);
    }
    return finish(&d, ret_error);
}

/* Encoding. */

static bool xml_safe(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' &&
            *s != '\r')
            return false;
    return true;
}

#define W(call) do { if ((call) < 0) return -ENOMEM; } while (0)

static int encode_value(xmlTextWriterPtr w, const struct xv *v, int depth)
{
    char num[64];
    size_t k;
    int r;

    if (!v || depth > XMLRPC_MAX_DEPTH)
        return -EINVAL;
    W(xmlTextWriterStartElement(w, BAD_CAST "value"));
    switch (v->type) {
    case XV_NIL:
        W(xmlTextWriterStartElement(w, BAD_CAST "nil"));
        W(xmlTextWriterEndElement(w));
        break;
    case XV_STRING:
        if (!xml_safe(v->s))
            return -EINVAL;
        if (v->date)
            W(xmlTextWriterWriteElement(w, BAD_CAST "dateTime.iso8601",
                                        BAD_CAST v->s));
        else
            W(xmlTextWriterWriteString(w, BAD_CAST v->s));
        break;
    case XV_INT:
        snprintf(num, sizeof(num), "%" PRId64, v->i);
        if (v->i4)
            W(xmlTextWriterWriteElement(w, BAD_CAST "i4", BAD_CAST num));
        else
            W(xmlTextWriterWriteString(w, BAD_CAST num));
        break;
    case XV_DOUBLE:
        if (!isfinite(v->d))
            return -EINVAL;
        xv_format_double(v->d, num);
        W(xmlTextWriterWriteElement(w, BAD_CAST "double", BAD_CAST num));
        break;
    case XV_BOOL:
        W(xmlTextWriterWriteElement(w, BAD_CAST "boolean",
                                    BAD_CAST (v->b ? "1" : "0")));
        break;
    case XV_ARRAY:
        W(xmlTextWriterStartElement(w, BAD_CAST "array"));
        W(xmlTextWriterStartElement(w, BAD_CAST "data"));
        for (k = 0; k < v->a.n; k++) {
            r = encode_value(w, v->a.items[k], depth + 1);
            if (r < 0)
                return r;
        }
        W(xmlTextWriterFullEndElement(w));
        W(xmlTextWriterFullEndElement(w));
        break;
    case XV_STRUCT:
        W(xmlTextWriterStartElement(w, BAD_CAST "struct"));
        for (k = 0; k < v->st.n; k++) {
            if (!xml_safe(v->st.m[k].name))
                return -EINVAL;
            W(xmlTextWriterStartElement(w, BAD_CAST "member"));
            W(xmlTextWriterStartElement(w, BAD_CAST "name"));
            W(xmlTextWriterWriteString(w, BAD_CAST v->st.m[k].name));
            W(xmlTextWriterFullEndElement(w));
            r = encode_value(w, v->st.m[k].value, depth + 1);
            if (r < 0)
                return r;
            W(xmlTextWriterFullEndElement(w));
        }
        W(xmlTextWriterFullEndElement(w));
        break;
    }
    /* Full end tag: <value></value>, never <value/>, as XAPI writes. */
    W(xmlTextWriterFullEndElement(w));
    return 0;
}

static int encode_doc(const char *method, const struct xv *v, char **ret,
                      size_t *ret_len)
{
    xmlTextWriterPtr w;
    xmlBufferPtr buf;
    char *out;
    size_t k;
    int r = 0;

    buf = xmlBufferCreate();
    if (!buf)
        return -ENOMEM;
    w = xmlNewTextWriterMemory(buf, 0);
    if (!w) {
        xmlBufferFree(buf);
        return -ENOMEM;
    }
    /* No xmlTextWriterStartDocument: it adds a newline after the decl. */
    if (xmlTextWriterWriteRaw(w, BAD_CAST "<?xml version=\"1.0\"?>") < 0)
        r = -ENOMEM;
    if (!r && method) {
        if (xmlTextWriterStartElement(w, BAD_CAST "methodCall") < 0 ||
            xmlTextWriterWriteElement(w, BAD_CAST "methodName",
                                      BAD_CAST method) < 0 ||
            xmlTextWriterStartElement(w, BAD_CAST "params") < 0)
            r = -ENOMEM;
        for (k = 0; !r && k < v->a.n; k++) {
            if (xmlTextWriterStartElement(w, BAD_CAST "param") < 0)
                r = -ENOMEM;
            if (!r)
                r = encode_value(w, v->a.items[k], 1);
            if (!r && xmlTextWriterFullEndElement(w) < 0)
                r = -ENOMEM;
        }
    } else if (!r) {
        if (xmlTextWriterStartElement(w, BAD_CAST "methodResponse") < 0 ||
            xmlTextWriterStartElement(w, BAD_CAST "params") < 0 ||
            xmlTextWriterStartElement(w, BAD_CAST "param") < 0)
            r = -ENOMEM;
        if (!r)
            r = encode_value(w, v, 1);
        if (!r && xmlTextWriterFullEndElement(w) < 0)
            r = -ENOMEM;
    }
    if (!r && (xmlTextWriterFullEndElement(w) < 0 ||
               xmlTextWriterFullEndElement(w) < 0))
        r = -ENOMEM;
    xmlFreeTextWriter(w);          /* flushes into buf */
    if (!r) {
        out = strndup((const char *)xmlBufferContent(buf),
                      (size_t)xmlBufferLength(buf));
        if (!out)
            r = -ENOMEM;
        else {
            *ret_len = (size_t)xmlBufferLength(buf);
            *ret = out;
        }
    }
    xmlBufferFree(buf);
    return r;
}

int xmlrpc_format_response(const struct xv *v, char **ret, size_t *ret_len)
{
    if (!v || !ret || !ret_len)
        return -EINVAL;
    return encode_doc(NULL, v, ret, ret_len);
}

int xmlrpc_format_call(const char *method, const struct xv *params,
                       char **ret, size_t *ret_len)
{
    if (!method || !params || params->type != XV_ARRAY || !ret || !ret_len)
        return -EINVAL;
    return encode_doc(method, params, ret, ret_len);
}
