/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxml2 for the xe program, loaded on first use.  xe starts once per
 * command; loading libxml2 (and through it ICU and libstdc++) at start
 * costs about 1 ms, more than a whole `xe *-param-get` otherwise does,
 * while only snapshot loads and log folds parse XML.  These definitions
 * of the reader functions the store uses come before libxml2 in xe's link,
 * which uses --as-needed, so xe does not depend on libxml2 at start; the
 * first call dlopen()s it.  Other programs link libxml2 as usual.
 */
#include <dlfcn.h>
#include <stddef.h>

#include <libxml/xmlreader.h>

#define LIBXML2_SONAME "libxml2.so.2"

/* The real functions, resolved once (the program's state, not a library's). */
static struct {
    int loaded;                 /* 0 not tried, 1 ok, -1 failed */
    __typeof__(&xmlReaderForMemory) reader_for_memory;
    __typeof__(&xmlFreeTextReader) free_text_reader;
    __typeof__(&xmlTextReaderRead) read;
    __typeof__(&xmlTextReaderNodeType) node_type;
    __typeof__(&xmlTextReaderDepth) depth;
    __typeof__(&xmlTextReaderConstName) const_name;
    __typeof__(&xmlTextReaderConstValue) const_value;
    __typeof__(&xmlTextReaderIsEmptyElement) is_empty_element;
    __typeof__(&xmlTextReaderMoveToFirstAttribute) first_attribute;
    __typeof__(&xmlTextReaderMoveToNextAttribute) next_attribute;
    __typeof__(&xmlTextReaderMoveToElement) to_element;
    __typeof__(&xmlTextReaderGetParserLineNumber) line_number;
    __typeof__(&xmlTextReaderSetStructuredErrorHandler) set_error_handler;
} x;

#define RESOLVE(field, name)                                              \
    do {                                                                  \
        x.field = (__typeof__(x.field))dlsym(lib, #name);                 \
        if (!x.field)                                                     \
            return 0;                                                     \
    } while (0)

static int resolve(void *lib)
{
    RESOLVE(reader_for_memory, xmlReaderForMemory);
    RESOLVE(free_text_reader, xmlFreeTextReader);
    RESOLVE(read, xmlTextReaderRead);
    RESOLVE(node_type, xmlTextReaderNodeType);
    RESOLVE(depth, xmlTextReaderDepth);
    RESOLVE(const_name, xmlTextReaderConstName);
    RESOLVE(const_value, xmlTextReaderConstValue);
    RESOLVE(is_empty_element, xmlTextReaderIsEmptyElement);
    RESOLVE(first_attribute, xmlTextReaderMoveToFirstAttribute);
    RESOLVE(next_attribute, xmlTextReaderMoveToNextAttribute);
    RESOLVE(to_element, xmlTextReaderMoveToElement);
    RESOLVE(line_number, xmlTextReaderGetParserLineNumber);
    RESOLVE(set_error_handler, xmlTextReaderSetStructuredErrorHandler);
    return 1;
}

static int load(void)
{
    void *lib;

    if (x.loaded == 0) {
        lib = dlopen(LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL);
        x.loaded = lib && resolve(lib) ? 1 : -1;
    }
    return x.loaded > 0;
}

/* Every reader starts here: without libxml2 there is no reader, which
 * the store reports as a snapshot it cannot parse. */
xmlTextReaderPtr xmlReaderForMemory(const char *buffer, int size,
                                    const char *URL, const char *encoding,
                                    int options)
{
    return load() ? x.reader_for_memory(buffer, size, URL, encoding, options)
                  : NULL;
}

void xmlFreeTextReader(xmlTextReaderPtr reader)
{
    if (reader)
        x.free_text_reader(reader);
}

int xmlTextReaderRead(xmlTextReaderPtr reader)
{
    return x.read(reader);
}

int xmlTextReaderNodeType(xmlTextReaderPtr reader)
{
    return x.node_type(reader);
}

int xmlTextReaderDepth(xmlTextReaderPtr reader)
{
    return x.depth(reader);
}

const xmlChar *xmlTextReaderConstName(xmlTextReaderPtr reader)
{
    return x.const_name(reader);
}

const xmlChar *xmlTextReaderConstValue(xmlTextReaderPtr reader)
{
    return x.const_value(reader);
}

int xmlTextReaderIsEmptyElement(xmlTextReaderPtr reader)
{
    return x.is_empty_element(reader);
}

int xmlTextReaderMoveToFirstAttribute(xmlTextReaderPtr reader)
{
    return x.first_attribute(reader);
}

int xmlTextReaderMoveToNextAttribute(xmlTextReaderPtr reader)
{
    return x.next_attribute(reader);
}

int xmlTextReaderMoveToElement(xmlTextReaderPtr reader)
{
    return x.to_element(reader);
}

int xmlTextReaderGetParserLineNumber(xmlTextReaderPtr reader)
{
    return x.line_number(reader);
}

void xmlTextReaderSetStructuredErrorHandler(xmlTextReaderPtr reader,
                                            xmlStructuredErrorFunc f,
                                            void *arg)
{
    x.set_error_handler(reader, f, arg);
}
