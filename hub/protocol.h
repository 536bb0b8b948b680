/*
 * protocol.h: the version of the wire format (proto/enlace.proto) this hub
 * speaks: every frame it sends carries it, every frame it reads must.
 */
#ifndef ENLACE_HUB_PROTOCOL_H
#define ENLACE_HUB_PROTOCOL_H

#define ENLACE_PROTOCOL_VERSION 1

#endif
