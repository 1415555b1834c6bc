import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { PollResponse } from '@roster/contract';
import { Public } from '@roster/platform';
import { EventPollService } from './event-poll.service';

/** RFC 8936 poll endpoint. Authenticated by the stream's own poll token (checked by the service), not the admin or SCIM tokens. */
@Controller('events/v1/streams')
@Public()
export class EventPollController {
  constructor(private readonly polls: EventPollService) {}

  @Post(':streamId/poll')
  @HttpCode(200)
  async poll(@Param('streamId') streamId: string, @Body() body: unknown, @Req() req: Request): Promise<PollResponse> {
    // A receiver that hangs up ends its long poll.
    const abort = new AbortController();
    req.once('close', () => abort.abort());
    return this.polls.poll(streamId, req.headers.authorization, body, abort.signal);
  }
}
