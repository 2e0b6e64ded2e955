// Transaction origins the server uses for its own writes. The origin says who made a change (a
// client's writes carry its Peer), so the room can tell loading from stored state, its own writes
// (reveals, the roster, reverts) and a client's writes apart.

export const ServerOrigin = { load: 'load', server: 'server' } as const;
