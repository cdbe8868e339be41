/* rb-listener.h: raumbuch-server's own accept loop and the watch over every connection it
 * hands to libsoup: a connection cap, an accept that survives running out of descriptors,
 * request and idle timeouts, and idle connections closed when their client closes them. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Defaults: the SoupServer answers at most this many connections at once; a request must
 * arrive (headers and body) and its answer must make progress within the request timeout;
 * an idle keep-alive connection is closed after the idle timeout, which is longer than the
 * 60 s after which libsoup clients (the apps) close theirs, so that they close first. */
#define RB_LISTENER_MAX_CONNECTIONS 1000
#define RB_LISTENER_REQUEST_TIMEOUT 20
#define RB_LISTENER_IDLE_TIMEOUT 75

#define RB_TYPE_LISTENER (rb_listener_get_type ())
G_DECLARE_FINAL_TYPE (RbListener, rb_listener, RB, LISTENER, GObject)

RbListener *rb_listener_new (SoupServer *soup, GSocket *socket, GTlsCertificate *certificate,
                             GError **error);

void rb_listener_set_limits (RbListener *self, guint max_connections, guint request_timeout,
                             guint idle_timeout);
char *rb_listener_dup_uri (RbListener *self);
void rb_listener_close (RbListener *self);

G_END_DECLS
