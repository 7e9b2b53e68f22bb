"""HTTP requests run their synchronous code (middleware, views) on threads kept from earlier requests.

Django's ASGI handler gives every request a thread-sensitive context of its own, and asgiref gives every such context
a new thread and, when it ends, starts a second thread to join the first. Under load that was two thread starts per
page, each a wait for the new thread while the others held the GIL. This wrapper enters the context itself with an
executor of one thread taken from those that earlier requests left idle. Django's own context, nested inside, then
leaves the choice to it. Each request still has its thread to itself: an executor goes back to the idle ones only once
everything queued on it has run, so a view still running for a client that hung up never delays the next request.
"""
import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext

KEPT_IDLE = 32  # about the requests one process runs at once, with room for bursts


class ReusedRequestThreads:
    def __init__(self, application) -> None:
        self.application = application
        self.idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.application(scope, receive, send)
            return
        executor = self.idle.pop() if self.idle else ThreadPoolExecutor(1, thread_name_prefix="request")
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.application(scope, receive, send)
        finally:
            self.reuse_when_done(executor, asyncio.get_running_loop())

    def reuse_when_done(self, executor: ThreadPoolExecutor, loop: asyncio.AbstractEventLoop) -> None:
        def idle_again(_done) -> None:
            try:
                loop.call_soon_threadsafe(self.keep_or_shut_down, executor)
            except RuntimeError:  # the loop has closed: the server is stopping, and its requests' threads with it
                executor.shutdown(wait=False)

        executor.submit(int).add_done_callback(idle_again)  # runs after all the work queued before it

    def keep_or_shut_down(self, executor: ThreadPoolExecutor) -> None:
        if len(self.idle) < KEPT_IDLE:
            self.idle.append(executor)
        else:
            executor.shutdown(wait=False)
