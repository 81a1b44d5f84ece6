global using AkkaMq.Actors.TestKit;
global using ActorTestKit = AkkaMq.Actors.TestKit.TestKit;
