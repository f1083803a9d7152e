"""One org session: the shared client (token manager, governor, connections), the typed API
and the worker pool. Every feature of the app and the CLI gets these from here and never
builds its own."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from gctui.genesys.api import GenesysApi
from gctui.genesys.client import GenesysClient
from gctui.genesys.options import ClientOptions
from gctui.genesys.pool import WorkerPool


@dataclass(eq=False)
class Session:
    options: ClientOptions
    client: GenesysClient
    api: GenesysApi
    pool: WorkerPool

    @classmethod
    def create(cls, options: ClientOptions, *, transport: httpx.AsyncBaseTransport | None = None) -> Session:
        client = GenesysClient(options, transport=transport)
        return cls(options, client, GenesysApi(client), WorkerPool(options.concurrency))

    async def close(self) -> None:
        await self.pool.close()
        await self.client.aclose()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
