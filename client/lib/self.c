/*
 * self.c: who the hub says we are beyond name, fingerprint and country:
 * the organisation and the memberships of the Welcome that answered our
 * first Hello (conn.c keeps them). A program that shows an officer's
 * networks (the web console's compose page) reads them here instead of
 * asking the hub again.
 */
#include "enl.h"

const char *
enlace_self_organisation(const enlace_client_t *self)
{
    return self->organisation;
}

size_t
enlace_self_network_count(const enlace_client_t *self)
{
    return self->nnetworks;
}

const char *
enlace_self_network(const enlace_client_t *self, size_t i)
{
    return i < self->nnetworks ? self->networks[i] : NULL;
}
