//! Whether stdout's reader went away. A quiet topic brings no record whose write would fail,
//! so `tail | head -1` would otherwise wait for the next record before it notices; the consumer
//! asks this each time it waits.

use std::os::fd::AsFd;

/// True when stdout is a pipe or socket whose other end is closed (POLLERR or POLLHUP on it),
/// false for files, terminals, open pipes and a closed descriptor (whose writes fail by themselves).
pub(super) fn stdout_closed() -> bool {
    use rustix::event::{PollFd, PollFlags, poll};
    let out = std::io::stdout();
    let fd = out.as_fd();
    let mut fds = [PollFd::new(&fd, PollFlags::empty())];
    match poll(&mut fds, Some(&rustix::event::Timespec { tv_sec: 0, tv_nsec: 0 })) {
        Ok(n) if n > 0 => fds[0].revents().intersects(PollFlags::ERR | PollFlags::HUP),
        _ => false,
    }
}
